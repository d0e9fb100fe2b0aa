namespace HourglassSimd.Interop.Checkpoints.Pickle;

/// <summary>
/// A Python <c>dict</c> or <c>OrderedDict</c> from a pickle, in insertion order. Keys that are strings, integers,
/// floats or booleans replace an earlier equal key, as in Python; other keys (tuples...) are kept as given.
/// </summary>
public sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = [];

    /// <summary>The entries in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    /// <summary>Attributes set by a <c>BUILD</c> (an <c>OrderedDict</c>'s <c>_metadata</c>, for example); not entries.</summary>
    public object? Attributes { get; set; }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/>.</summary>
    public void Set(object? key, object? value)
    {
        if (key is string or long or bool or double or System.Numerics.BigInteger)
        {
            if (_index.TryGetValue(key, out int at))
            {
                _entries[at] = new(key, value);
                return;
            }
            _index[key] = _entries.Count;
        }
        _entries.Add(new(key, value));
    }

    /// <summary>The value of a string key.</summary>
    public bool TryGetValue(string key, out object? value)
    {
        if (_index.TryGetValue(key, out int at))
        {
            value = _entries[at].Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"dict of {Count} entries";
}
