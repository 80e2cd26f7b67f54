using System;
using System.Collections.Generic;

namespace SqliteAdmin.Module.Tests;

public class Psd1ReaderTests
{
    [Fact]
    public void Reads_the_data_language()
    {
        var data = Psd1Reader.Read("""
            # comment
            @{
                A = 'it''s'; B = "x`"y"
                <# block
                   comment #>
                C = @('one', 'two'
                      'three')
                D = 'p', 'q'
                E = @{ Inner = $true; N = 42 }
                'Quoted Key' = $null
            }
            """);

        Assert.Equal("it's", data["A"]);
        Assert.Equal("x\"y", data["b"]);
        Assert.Equal(new object?[] { "one", "two", "three" }, (List<object?>)data["C"]!);
        Assert.Equal(new object?[] { "p", "q" }, (List<object?>)data["D"]!);
        var inner = (IReadOnlyDictionary<string, object?>)data["E"]!;
        Assert.Equal(true, inner["Inner"]);
        Assert.Equal(42L, inner["N"]);
        Assert.Null(data["Quoted Key"]);
    }

    [Theory]
    [InlineData("@{ A = 'x' ")]
    [InlineData("@{ A = 'x }")]
    [InlineData("@{ A = $env:PATH }")]
    [InlineData("@{ A = \"$x\" }")]
    [InlineData("@{ A = Get-Date }")]
    [InlineData("@{ A = 'x' B = 'y' }")]
    [InlineData("@{ A = 'x'; A = 'y' }")]
    [InlineData("@{ A 'x' }")]
    public void Rejects_what_is_not_a_data_file(string text)
    {
        Assert.Throws<FormatException>(() => Psd1Reader.Read(text));
    }
}
