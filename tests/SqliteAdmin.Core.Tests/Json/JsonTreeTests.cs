using System;
using System.Collections.Generic;
using System.Linq;
using SqliteAdmin.Core.Json;
using Xunit;

namespace SqliteAdmin.Core.Tests.Json;

/// <summary>The manifest JSON mapping over the in-box reader: strict where the reader is lax, bounded, round-trips.</summary>
public class JsonTreeTests
{
    [Theory]
    [InlineData("")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{'a':1}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1.2.3}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":+1}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":\"x\u0001y\"}")]
    [InlineData("{\"a\":\"unterminated}")]
    public void Malformed_json_is_a_format_error(string text)
    {
        Assert.Throws<FormatException>(() => JsonTree.Parse(text));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_a_format_error()
    {
        string deep = new string('[', 40) + "1" + new string(']', 40);
        Assert.Throws<FormatException>(() => JsonTree.Parse(deep));
        string ok = new string('[', 10) + "1" + new string(']', 10);
        Assert.NotNull(JsonTree.Parse(ok));
    }

    [Fact]
    public void Values_map_to_the_shapes_the_manifest_fields_expect()
    {
        var root = Assert.IsType<Dictionary<string, object?>>(JsonTree.Parse(
            "{\"n\": 42, \"big\": 99999999999999999999, \"d\": -0.5, \"s\": \"a\\/b\\u00e9\\n\", \"t\": true, \"z\": null, " +
            "\"list\": [1, {}], \"\": 1, \"x y\": 2, \"type\": \"t\", \"item\": 3, \"nul\": \"x\\u0000y\"}"));
        Assert.Equal(42L, root["n"]);
        Assert.IsType<double>(root["big"]);
        Assert.Equal(-0.5, root["d"]);
        Assert.Equal("a/b\u00e9\n", root["s"]);
        Assert.Equal(true, root["t"]);
        Assert.Null(root["z"]);
        var list = Assert.IsType<List<object?>>(root["list"]);
        Assert.Equal(1L, list[0]);
        Assert.Empty(Assert.IsType<Dictionary<string, object?>>(list[1]));
        Assert.Equal(1L, root[""]);
        Assert.Equal(2L, root["x y"]);
        Assert.Equal("t", root["type"]);
        Assert.Equal(3L, root["item"]);
        Assert.Equal("x\0y", root["nul"]); // the manifest's fields refuse it with their own reason
    }

    [Fact]
    public void Written_trees_read_back_the_same()
    {
        var tree = new List<KeyValuePair<string, object?>>
        {
            new("formatVersion", 1),
            new("path", "/srv/app \"x\"\t\u00e9"),
            new("odd name", -9_223_372_036_854_775_808L),
            new("none", null),
            new("items", new List<object?> { true, 1e308, new List<KeyValuePair<string, object?>>() }),
            new("empty", new List<object?>()),
        };
        string json = JsonTree.Write(tree);
        Assert.EndsWith("\n", json);
        Assert.Contains("\"formatVersion\": 1", json);
        var back = Assert.IsType<Dictionary<string, object?>>(JsonTree.Parse(json));
        Assert.Equal(1L, back["formatVersion"]);
        Assert.Equal("/srv/app \"x\"\t\u00e9", back["path"]);
        Assert.Equal(long.MinValue, back["odd name"]);
        Assert.Null(back["none"]);
        var items = Assert.IsType<List<object?>>(back["items"]);
        Assert.Equal(new object?[] { true, 1e308 }, items.Take(2));
        Assert.Empty(Assert.IsType<List<object?>>(back["empty"]));
    }
}
