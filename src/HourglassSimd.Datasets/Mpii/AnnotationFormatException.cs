namespace HourglassSimd.Datasets;

/// <summary>An annotation file is not valid JSON or a record lacks or misstates a field. The message names the source, record and field.</summary>
public sealed class AnnotationFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AnnotationFormatException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its location.</summary>
    public AnnotationFormatException(string source, int recordIndex, string? field, string problem, Exception? innerException = null)
        : base(Describe(source, recordIndex, field, problem), innerException)
    {
        SourceName = source;
        RecordIndex = recordIndex;
        Field = field;
    }

    /// <summary>The file name (or other label) of the annotation source, when known.</summary>
    public string? SourceName { get; }

    /// <summary>0-based record index, or −1 when the problem is not in one record.</summary>
    public int RecordIndex { get; } = -1;

    /// <summary>The JSON field at fault, if any.</summary>
    public string? Field { get; }

    private static string Describe(string source, int recordIndex, string? field, string problem)
    {
        string where = recordIndex >= 0 ? $"record {recordIndex}" : "root";
        return field is null ? $"{source}: {where}: {problem}" : $"{source}: {where}, field '{field}': {problem}";
    }
}
