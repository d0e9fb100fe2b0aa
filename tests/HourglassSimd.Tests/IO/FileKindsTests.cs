using HourglassSimd.IO;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Tests.IO;

public sealed class FileKindsTests
{
    [UnixFileSystemFact]
    public void Each_kind_of_path_is_told_apart()
    {
        using var temp = new TempFolder();
        string file = temp.Write("a.bin", [1, 2, 3]);
        string fifo = SpecialFiles.MakeFifo(temp.File("pipe"));
        string link = temp.File("null-link");
        File.CreateSymbolicLink(link, SpecialFiles.NullDevice);

        Assert.Equal(FileKind.Regular, FileKinds.Of(file));
        Assert.Equal(FileKind.Directory, FileKinds.Of(temp.Path));
        Assert.Equal(FileKind.Missing, FileKinds.Of(temp.File("nothing")));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(SpecialFiles.NullDevice));
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(link)); // links are followed
        Assert.Null(FileKinds.NotRegularReason(file));
        Assert.Equal($"'{fifo}' is a FIFO (named pipe), not a regular file.", FileKinds.NotRegularReason(fifo));
    }
}
