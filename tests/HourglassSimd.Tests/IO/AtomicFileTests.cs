using System.Text;
using HourglassSimd.IO;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.IO;

/// <summary>
/// Writes through a temporary file and a rename: the destination holds the old or the whole new content, never a part,
/// and no temporary file is left, whether the writer finishes or fails.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Creates_and_replaces_the_file_and_leaves_nothing_else()
    {
        string path = _temp.File("out.bin");
        AtomicFile.Write(path, stream => stream.Write([1, 2, 3]));
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));

        AtomicFile.Write(path, stream => stream.Write([9]));
        Assert.Equal([9], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void A_failing_writer_leaves_the_earlier_content_and_no_temporary_file()
    {
        string path = _temp.Write("kept.txt", "earlier"u8.ToArray());
        var failure = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new cont"u8);
            stream.Flush();
            // The part written so far is in the temporary file, not in the destination.
            Assert.Equal("earlier", File.ReadAllText(path));
            throw new IOException("disk full");
        }));
        Assert.Equal("disk full", failure.Message);
        Assert.Equal("earlier", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));

        string absent = _temp.File("never.txt");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(absent, _ => throw new InvalidOperationException()));
        Assert.False(File.Exists(absent));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void The_temporary_file_is_hidden_beside_the_destination()
    {
        string path = _temp.File("model.hgw");
        string? seen = null;
        AtomicFile.Write(path, _ => seen = Assert.Single(Directory.GetFiles(_temp.Path)));
        Assert.Equal(_temp.Path, Path.GetDirectoryName(seen));
        Assert.StartsWith(".model.hgw.", Path.GetFileName(seen), StringComparison.Ordinal);
        Assert.EndsWith(".tmp", seen, StringComparison.Ordinal);
        Assert.False(File.Exists(seen));
    }

    [Fact]
    public void Text_is_utf8_without_a_byte_order_mark()
    {
        string path = _temp.File("t.csv");
        AtomicFile.WriteAllText(path, "Kopf,Knöchel\n");
        Assert.Equal(Encoding.UTF8.GetBytes("Kopf,Knöchel\n"), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_folder_in_the_way_is_an_io_error_and_stays_as_it_was()
    {
        string folder = _temp.Folder("taken");
        File.WriteAllText(Path.Combine(folder, "inside.txt"), "kept");
        Assert.Throws<IOException>(() => AtomicFile.Write(folder, stream => stream.WriteByte(1)));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(folder, "inside.txt")));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void A_missing_folder_is_an_io_error_and_creates_nothing()
    {
        string path = _temp.Combine("missing", "out.bin");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, stream => stream.WriteByte(1)));
        Assert.False(Directory.Exists(_temp.Combine("missing")));
    }
}
