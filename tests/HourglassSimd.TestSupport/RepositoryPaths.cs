namespace HourglassSimd.TestSupport;

/// <summary>Where the repository is, for tests that build, pack or read its files.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding HourglassSimd.sln and README.md, above the test binaries.</summary>
    public static string Root
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, "HourglassSimd.sln")) && File.Exists(Path.Combine(folder.FullName, "README.md")))
                    return folder.FullName;
            throw new InvalidOperationException("the repository root (HourglassSimd.sln) is not above the test folder");
        }
    }
}
