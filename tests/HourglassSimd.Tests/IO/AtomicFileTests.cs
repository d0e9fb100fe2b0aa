using System.Diagnostics;
using HourglassSimd.IO;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_regular_file_is_replaced_whole_and_no_temporary_file_remains()
    {
        using var temp = new TempFolder();
        string path = temp.Write("out.bin", [9, 9, 9, 9, 9]);
        AtomicFile.WriteAllBytes(path, [1, 2]);
        Assert.Equal([1, 2], File.ReadAllBytes(path));
        AtomicFile.WriteAllBytes(temp.File("new.bin"), [3]);
        Assert.Equal([3], File.ReadAllBytes(temp.File("new.bin")));
        Assert.Equal(["new.bin", "out.bin"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file()
    {
        using var temp = new TempFolder();
        string path = temp.Write("out.bin", [7, 7]);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([1, 2, 3]);
            throw new InvalidOperationException("the writer failed");
        }));
        Assert.Equal([7, 7], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(temp.Path));
    }

    /// <summary>
    /// Issue 13 #5: convert-weights renamed its temporary file over a device node given as --out, and a FIFO swallowed
    /// (or, past 64 KiB, blocked) the output. A device, a FIFO and a folder are refused before anything is written.
    /// </summary>
    [UnixFileSystemFact]
    public void A_device_a_fifo_or_a_folder_is_refused_and_left_as_it_is()
    {
        using var temp = new TempFolder();
        string fifo = SpecialFiles.MakeFifo(temp.File("pipe"));
        string folder = temp.Folder("sub");
        var clock = Stopwatch.StartNew();
        foreach (var (path, kind) in new[] { (SpecialFiles.NullDevice, FileKind.CharacterDevice), (fifo, FileKind.Fifo), (folder, FileKind.Directory) })
        {
            bool called = false;
            var e = Assert.Throws<NotRegularFileException>(() => AtomicFile.Write(path, _ => called = true));
            Assert.Equal(kind, e.Kind);
            Assert.Contains($"'{path}' is {FileKinds.Describe(kind)}, not a regular file", e.Message, StringComparison.Ordinal);
            Assert.False(called);
            Assert.Equal(kind, FileKinds.Of(path));
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(["pipe"], Directory.GetFiles(temp.Path).Select(Path.GetFileName));
    }
}
