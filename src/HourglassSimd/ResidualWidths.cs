using System.Collections;

namespace HourglassSimd;

/// <summary>
/// Inner widths of individual residual modules, for networks whose bottlenecks are narrower than the paper's
/// <c>out / 2</c> (a channel-pruned network): module prefix (<c>pre.1</c>, <c>hgs.0.0.low2.up1</c>,
/// <c>features.1.0</c>) → width of its conv1 output, conv2 and conv3 input. Modules not listed keep <c>out / 2</c>, so
/// the common cases need no entry at all. Immutable, compared by value.
/// </summary>
public sealed class ResidualWidths : IEquatable<ResidualWidths>, IReadOnlyDictionary<string, int>
{
    private readonly SortedDictionary<string, int> _widths;

    /// <summary>Takes the widths, each from 1 to <see cref="HourglassArchitecture.MaxFeatures"/>.</summary>
    /// <exception cref="ArgumentException">An empty prefix, or a width out of range.</exception>
    public ResidualWidths(IEnumerable<KeyValuePair<string, int>> widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        _widths = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (prefix, width) in widths)
        {
            if (string.IsNullOrEmpty(prefix))
                throw new ArgumentException("A residual width needs a module prefix.", nameof(widths));
            if (width < 1 || width > HourglassArchitecture.MaxFeatures)
                throw new ArgumentException($"The inner width of '{prefix}' is {width}; it must be from 1 to {HourglassArchitecture.MaxFeatures}.", nameof(widths));
            if (!_widths.TryAdd(prefix, width))
                throw new ArgumentException($"The inner width of '{prefix}' is given twice.", nameof(widths));
        }
    }

    /// <summary>The inner width of the module <paramref name="prefix"/> with <paramref name="outChannels"/> outputs.</summary>
    public int Of(string prefix, int outChannels) => _widths.TryGetValue(prefix, out int width) ? width : outChannels / 2;

    /// <inheritdoc/>
    public int this[string key] => _widths[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _widths.Keys;

    /// <inheritdoc/>
    public IEnumerable<int> Values => _widths.Values;

    /// <inheritdoc/>
    public int Count => _widths.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _widths.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, out int value) => _widths.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, int>> GetEnumerator() => _widths.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ResidualWidths? other) => other is not null && _widths.Count == other._widths.Count && _widths.SequenceEqual(other._widths);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ResidualWidths);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (prefix, width) in _widths)
        {
            hash.Add(prefix, StringComparer.Ordinal);
            hash.Add(width);
        }
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Count} residual width(s)";
}
