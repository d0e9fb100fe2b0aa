namespace HourglassSimd;

/// <summary>A model file (<c>.hgw</c>) cannot be read: not such a file, another version, truncated or corrupt.</summary>
public sealed class ModelFileException : IOException
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public ModelFileException(string message) : base(message)
    {
    }
}
