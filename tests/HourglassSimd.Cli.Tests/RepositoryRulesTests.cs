using System.Text.RegularExpressions;
using System.Xml.Linq;
using HourglassSimd.TestSupport;

namespace HourglassSimd.Cli.Tests;

/// <summary>
/// The repository's house rules, checked on its files: native dependencies stay in bench/, training and the parity
/// tests; one public type per source file; every test project mirrors a project it tests.
/// </summary>
public sealed partial class RepositoryRulesTests
{
    private static readonly string[] NativePackages = ["TorchSharp", "Microsoft.ML.OnnxRuntime"];

    /// <summary>Projects allowed to bring libtorch or ONNX Runtime, directly or through references.</summary>
    private static readonly string[] NativeAllowed =
    [
        "bench/HourglassSimd.Benchmarks", "src/HourglassSimd.Training", "src/HourglassSimd.Training.Cli",
        "tests/HourglassSimd.Training.Tests", "tests/HourglassSimd.Parity.Tests",
    ];

    [Fact]
    public void Only_bench_training_and_parity_tests_carry_libtorch_or_onnx_runtime()
    {
        var projects = Projects().ToDictionary(p => p.Folder, StringComparer.Ordinal);
        Assert.Contains("tools/HourglassSimd.Tools", projects.Keys);
        var offenders = projects.Values
            .Where(p => !NativeAllowed.Contains(p.Folder, StringComparer.Ordinal) && NativeClosure(p, projects).Any())
            .Select(p => $"{p.Folder} brings {string.Join(", ", NativeClosure(p, projects))}")
            .ToList();
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
        // The rule can fail: the training library does bring libtorch.
        Assert.NotEmpty(NativeClosure(projects["src/HourglassSimd.Training"], projects));
    }

    [Fact]
    public void Source_files_hold_one_public_type_each()
    {
        var offenders = SourceFiles()
            .Select(f => (File: f, Count: PublicTopLevelType().Matches(File.ReadAllText(f)).Count))
            .Where(f => f.Count > 1)
            .Select(f => $"{Path.GetRelativePath(RepositoryPaths.Root, f.File)}: {f.Count} public types")
            .ToList();
        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
        Assert.Equal(2, PublicTopLevelType().Matches("public sealed class A\n{\n}\npublic enum B\n{\n}\n").Count);
    }

    [Fact]
    public void Every_test_project_mirrors_a_source_project_or_is_a_named_exception()
    {
        string[] sources = [.. Projects().Where(p => !p.Folder.StartsWith("tests/", StringComparison.Ordinal)).Select(p => Path.GetFileName(p.Folder))];
        // Cli.Tests drive the hourglass tool (tools/HourglassSimd.Tools); Parity.Tests check against the native references;
        // Fuzz.Tests feed mutants to every reader (docs/reliability.md).
        string[] exceptions = ["HourglassSimd.Cli.Tests", "HourglassSimd.Parity.Tests", "HourglassSimd.Fuzz.Tests", "HourglassSimd.TestSupport"];
        var orphans = Projects()
            .Where(p => p.Folder.StartsWith("tests/", StringComparison.Ordinal))
            .Select(p => Path.GetFileName(p.Folder))
            .Where(name => !exceptions.Contains(name) && !sources.Contains(name[..^".Tests".Length]))
            .ToList();
        Assert.True(orphans.Count == 0, "test projects without a source project: " + string.Join(", ", orphans));
    }

    private sealed record Project(string Folder, string[] Packages, string[] References);

    private static IEnumerable<Project> Projects()
    {
        string root = RepositoryPaths.Root;
        foreach (string file in Directory.EnumerateFiles(root, "*.csproj", SearchOption.AllDirectories))
        {
            string folder = Path.GetRelativePath(root, Path.GetDirectoryName(file)!).Replace('\\', '/');
            if (folder.Split('/').Any(part => part is "bin" or "obj"))
                continue;
            var xml = XDocument.Load(file);
            string[] packages = [.. xml.Descendants("PackageReference").Select(e => (string?)e.Attribute("Include") ?? "")];
            string[] references = [.. xml.Descendants("ProjectReference")
                .Select(e => Path.GetRelativePath(root, Path.GetDirectoryName(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!,
                    ((string?)e.Attribute("Include") ?? "").Replace('\\', '/'))))!).Replace('\\', '/'))];
            yield return new Project(folder, packages, references);
        }
    }

    private static IEnumerable<string> NativeClosure(Project project, IReadOnlyDictionary<string, Project> all)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<Project>([project]);
        while (stack.Count > 0)
        {
            var p = stack.Pop();
            if (!seen.Add(p.Folder))
                continue;
            foreach (string package in p.Packages.Where(pk => NativePackages.Any(n => pk.StartsWith(n, StringComparison.Ordinal))))
                yield return $"{package} (via {p.Folder})";
            foreach (string reference in p.References)
                if (all.TryGetValue(reference, out var next))
                    stack.Push(next);
        }
    }

    private static IEnumerable<string> SourceFiles() =>
        new[] { "src", "tools", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Replace('\\', '/').Contains("/bin/", StringComparison.Ordinal) && !f.Replace('\\', '/').Contains("/obj/", StringComparison.Ordinal));

    // A public type declared at the start of a line (top level; nested types are indented).
    [GeneratedRegex(@"^public (?:(?:sealed|static|abstract|readonly|partial|unsafe|ref) )*(?:class|struct|record|interface|enum|delegate)\b", RegexOptions.Multiline)]
    private static partial Regex PublicTopLevelType();

    /// <summary>The README's test command and the default suite of .ci/run use the same filter (heavy and fuzz tests left out).</summary>
    [Fact]
    public void The_readme_test_command_and_ci_default_run_share_their_filter()
    {
        const string Filter = "--filter \"Category!=Heavy&Category!=Fuzz\"";
        Assert.Contains("dotnet test -c Release " + Filter, File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")), StringComparison.Ordinal);
        string ci = File.ReadAllText(Path.Combine(RepositoryPaths.Root, ".ci", "run"));
        Assert.Contains("dotnet test HourglassSimd.sln -c Release --no-build " + Filter, ci, StringComparison.Ordinal);
        Assert.Contains("--filter \"Category=Fuzz\"", ci, StringComparison.Ordinal);
    }
}
