using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using SqliteAdmin.Core.Compression;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Compression;

public class ParallelGzipTests
{
    private const int Block = 64 * 1024;

    private static byte[] Data(int length, bool compressible)
    {
        var bytes = new byte[length];
        var random = new Random(length);
        if (compressible)
        {
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)"sync ok conflict batch audit "[random.Next(29)];
            }
        }
        else
        {
            random.NextBytes(bytes);
        }
        return bytes;
    }

    private static byte[] Compress(byte[] data, int writeChunk = 10_000)
    {
        using var output = new MemoryStream();
        using (var gzip = new ParallelGzipStream(output, CompressionLevel.Optimal, Block, workers: 3))
        {
            for (int i = 0; i < data.Length; i += writeChunk)
            {
                gzip.Write(data, i, Math.Min(writeChunk, data.Length - i));
            }
        }
        return output.ToArray();
    }

    private static byte[] Decode(byte[] gzip)
    {
        using var decoded = new MemoryStream();
        ParallelGzipDecoder.Decode(new MemoryStream(gzip), decoded, long.MaxValue, () => new InvalidOperationException(), null, System.Threading.CancellationToken.None);
        return decoded.ToArray();
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var result = new MemoryStream();
        stream.CopyTo(result);
        return result.ToArray();
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(Block - 1, true)]
    [InlineData(Block, false)]
    [InlineData(Block + 1, true)]
    [InlineData(Block * 7 / 2, true)]
    [InlineData(Block * 9, false)]
    public void The_real_gunzip_and_our_reader_both_recover_the_input(int length, bool compressible)
    {
        using var folder = new TempFolder();
        byte[] data = Data(length, compressible);
        File.WriteAllBytes(folder.File("data.gz"), Compress(data));

        Assert.Equal(0, Cli.Run("gzip", new[] { "-t", folder.File("data.gz") }).ExitCode);
        Assert.Equal(0, Cli.Run("gunzip", new[] { "-c", folder.File("data.gz") }, stdoutFile: folder.File("cli.out")).ExitCode);
        Assert.Equal(data, File.ReadAllBytes(folder.File("cli.out")));
        using FileStream again = File.OpenRead(folder.File("data.gz"));
        using var decoded = new MemoryStream();
        Assert.Equal(length, ParallelGzipDecoder.Decode(again, decoded, long.MaxValue, () => new InvalidOperationException(), null, System.Threading.CancellationToken.None));
        Assert.Equal(data, decoded.ToArray());
    }

    [Fact]
    public void Members_carry_their_length_so_each_decodes_alone()
    {
        byte[] gz = Compress(Data(Block * 3, true));

        // First member: FEXTRA set, subfield "SA" with the member's length; the next member starts right after it.
        Assert.Equal(0x04, gz[3] & 0x04);
        Assert.Equal((byte)'S', gz[12]);
        Assert.Equal((byte)'A', gz[13]);
        int first = BitConverter.ToInt32(gz, 16);
        Assert.Equal(new byte[] { 0x1F, 0x8B }, gz.Skip(first).Take(2));
        using var alone = new GZipStream(new MemoryStream(gz, 0, first), CompressionMode.Decompress);
        Assert.Equal(Block, ReadAll(alone).Length);
    }

    [Fact]
    public void Gzip_files_from_other_tools_are_read_too()
    {
        using var folder = new TempFolder();
        byte[] a = Data(300_000, true), b = Data(200_000, false);
        File.WriteAllBytes(folder.File("a"), a);
        File.WriteAllBytes(folder.File("b"), b);
        Assert.Equal(0, Cli.Run("gzip", new[] { "-c", folder.File("a") }, stdoutFile: folder.File("a.gz")).ExitCode);
        Assert.Equal(0, Cli.Run("gzip", new[] { "-c", folder.File("b") }, stdoutFile: folder.File("b.gz")).ExitCode);
        File.WriteAllBytes(folder.File("ab.gz"), File.ReadAllBytes(folder.File("a.gz")).Concat(File.ReadAllBytes(folder.File("b.gz"))).ToArray());

        Assert.Equal(a, Decode(File.ReadAllBytes(folder.File("a.gz"))));
        Assert.Equal(a.Concat(b).ToArray(), Decode(File.ReadAllBytes(folder.File("ab.gz"))));
        // Ours first, then a foreign member: the decoder switches to reading in order.
        File.WriteAllBytes(folder.File("mixed.gz"), Compress(a).Concat(File.ReadAllBytes(folder.File("b.gz"))).ToArray());
        using FileStream mixed = File.OpenRead(folder.File("mixed.gz"));
        using var decoded = new MemoryStream();
        ParallelGzipDecoder.Decode(mixed, decoded, long.MaxValue, () => new InvalidOperationException(), null, System.Threading.CancellationToken.None);
        Assert.Equal(a.Concat(b).ToArray(), decoded.ToArray());
    }

    [Fact]
    public void The_parallel_decoder_stops_at_the_limit()
    {
        byte[] gz = Compress(Data(Block * 6, true));
        using var decoded = new MemoryStream();

        Assert.Throws<TimeoutException>(() => ParallelGzipDecoder.Decode(new MemoryStream(gz), decoded, Block * 2, () => new TimeoutException(), null, System.Threading.CancellationToken.None));
        Assert.True(decoded.Length <= Block * 2);
    }

    [Fact]
    public void Garbage_is_invalid_data_not_silence()
    {
        using var garbage = new MemoryStream(Data(5000, false));

        Assert.Throws<InvalidDataException>(() => Decode(garbage.ToArray()));
    }
}
