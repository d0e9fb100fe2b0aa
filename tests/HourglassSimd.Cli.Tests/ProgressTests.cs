using HourglassSimd.TestSupport;
using HourglassSimd.Cli.Tests.Support;

namespace HourglassSimd.Cli.Tests;

/// <summary>Progress goes to stderr only: a bar redrawn with carriage returns, plain lines, or nothing.</summary>
public sealed class ProgressTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _model;
    private readonly string _folder;

    public ProgressTests()
    {
        _model = TestModel.Write(_temp.Combine("model.hgw"));
        _folder = _temp.Folder("photos");
        for (int i = 0; i < 3; i++)
            TestImages.WritePng(Path.Combine(_folder, $"p{i}.png"), 64, 64, seed: i);
        TestImages.WriteBroken(Path.Combine(_folder, "p1-broken.png"));
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Bar_is_redrawn_in_place_and_messages_get_their_own_line()
    {
        var run = HourglassCli.Run("infer", "--model", _model, _folder, "--out", _temp.Combine("out"), "--threads", "1", "--no-flip", "--progress", "bar");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("\r[........................] 0/4 images", run.Error);
        Assert.Contains("\r[########################] 4/4 images, ", run.Error);
        Assert.Contains(" in all\n", run.Error.Replace("\r\n", "\n"));
        // The skipped file's line starts on a cleared line, not glued to the bar.
        var lines = run.Error.Replace("\r\n", "\n").Split('\n');
        Assert.Contains(lines, l => l.Split('\r')[^1].StartsWith("skipped: p1-broken.png: ", StringComparison.Ordinal));
        Assert.DoesNotContain("images/s", run.Output);
    }

    [Fact]
    public void Lines_and_none()
    {
        var lines = HourglassCli.Run("infer", "--model", _model, _folder, "--out", _temp.Combine("lines"), "--threads", "1", "--no-flip", "--progress", "lines");
        Assert.Equal(2, lines.ExitCode);
        Assert.DoesNotContain("\r", lines.Error);
        Assert.Contains("1/4 images, ", lines.Error);
        Assert.Contains("4/4 images, ", lines.Error);

        var none = HourglassCli.Run("infer", "--model", _model, _folder, "--out", _temp.Combine("none"), "--threads", "1", "--no-flip", "--progress", "none");
        Assert.Equal(2, none.ExitCode);
        Assert.DoesNotContain("images/s", none.Error);
        Assert.Contains("skipped: p1-broken.png: ", none.Error);
    }
}
