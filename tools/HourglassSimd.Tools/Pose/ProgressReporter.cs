using System.Diagnostics;
using System.Globalization;

namespace HourglassSimd.Tools.Pose;

/// <summary>
/// Progress of a run over many images, on stderr: count, rate in images/s and time left. On a terminal it is one bar
/// redrawn in place (at most 10 times a second); when stderr is redirected it is a plain line at every further 10% (or
/// at least every 10 s) and at the end, so logs stay readable. Messages about single files go through
/// <see cref="WriteLine"/>, which keeps them from mixing with the bar.
/// </summary>
internal sealed class ProgressReporter
{
    private const int BarWidth = 24;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainLineInterval = TimeSpan.FromSeconds(10);

    private readonly TextWriter _writer;
    private readonly int _total;
    private readonly string _unit;
    private readonly bool _enabled;
    private readonly bool _interactive;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastDraw;
    private int _lastPlainCount;
    private int _barLength;

    /// <param name="writer">Where to write (stderr).</param>
    /// <param name="total">Items to process.</param>
    /// <param name="unit">Plural noun for the items, e.g. "images".</param>
    /// <param name="enabled">False for no progress at all (one item); messages are still written.</param>
    /// <param name="interactive">True when <paramref name="writer"/> is a terminal: redraw one line with '\r'.</param>
    public ProgressReporter(TextWriter writer, int total, string unit, bool enabled, bool interactive)
    {
        _writer = writer;
        _total = total;
        _unit = unit;
        _enabled = enabled && total > 0;
        _interactive = interactive;
    }

    /// <summary>
    /// A reporter on <see cref="Console.Error"/> for <paramref name="mode"/>; <see cref="ProgressMode.Auto"/> draws the bar
    /// when stderr is a terminal. Silent for a single item, whatever the mode.
    /// </summary>
    public static ProgressReporter ForConsole(int total, string unit, ProgressMode mode)
    {
        bool interactive = mode == ProgressMode.Bar || (mode == ProgressMode.Auto && !Console.IsErrorRedirected);
        return new(Console.Error, total, unit, enabled: total > 1 && mode != ProgressMode.None, interactive);
    }

    /// <summary>Items done so far.</summary>
    public int Done { get; private set; }

    /// <summary>Time since the reporter was created.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Shows the empty bar on a terminal (call before the first item, which may take a while).</summary>
    public void Start()
    {
        if (_enabled && _interactive)
            Draw();
    }

    /// <summary>Counts one more item done and updates the display.</summary>
    public void Advance()
    {
        Done++;
        if (!_enabled)
            return;
        var now = _clock.Elapsed;
        if (_interactive)
        {
            if (Done == _total || now - _lastDraw >= RedrawInterval)
            {
                Draw();
                _lastDraw = now;
            }
        }
        else if (Done == _total || (Done - _lastPlainCount) * 10 >= _total || now - _lastDraw >= PlainLineInterval)
        {
            _writer.WriteLine(Describe());
            _lastPlainCount = Done;
            _lastDraw = now;
        }
    }

    /// <summary>Writes a message line (e.g. a skipped file) without breaking the bar.</summary>
    public void WriteLine(string message)
    {
        if (_enabled && _interactive && _barLength > 0)
        {
            Clear();
            _writer.WriteLine(message);
            Draw();
        }
        else
        {
            _writer.WriteLine(message);
        }
    }

    /// <summary>Ends the bar's line (call once after the last item).</summary>
    public void Finish()
    {
        if (_enabled && _interactive && _barLength > 0)
        {
            _writer.WriteLine();
            _barLength = 0;
        }
        _writer.Flush();
    }

    /// <summary>"12/40 images, 3.2 images/s, 0:09 left" (the rate and time left once something is done).</summary>
    public string Describe()
    {
        double seconds = _clock.Elapsed.TotalSeconds;
        string text = $"{Done}/{_total} {_unit}";
        if (Done > 0 && seconds > 0)
        {
            double rate = Done / seconds;
            text += string.Create(CultureInfo.InvariantCulture, $", {rate:0.0} {_unit}/s");
            text += Done < _total ? $", {FormatDuration(TimeSpan.FromSeconds((_total - Done) / rate))} left" : $", {FormatDuration(_clock.Elapsed)} in all";
        }
        return text;
    }

    /// <summary>m:ss below an hour, h:mm:ss above.</summary>
    public static string FormatDuration(TimeSpan span) =>
        span.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}:{span.Seconds:00}");

    private void Draw()
    {
        int filled = _total == 0 ? BarWidth : (int)((long)BarWidth * Done / _total);
        string line = $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {Describe()}";
        // Pad over the previous, possibly longer, line instead of relying on terminal escape codes.
        _writer.Write("\r" + line.PadRight(_barLength));
        _barLength = line.Length;
        _writer.Flush();
    }

    private void Clear()
    {
        _writer.Write("\r" + new string(' ', _barLength) + "\r");
        _barLength = 0;
    }
}
