using HourglassSimd.Datasets;

namespace HourglassSimd.Training;

/// <summary>
/// Reads the training annotations with the datasets library's <see cref="MpiiAnnotationReader"/> (the reader of
/// <c>hourglass eval</c>), so training and evaluation agree on fields, missing joints and the crop box.
/// </summary>
public static class TrainingAnnotations
{
    /// <summary>
    /// Loads every record and checks that each has <paramref name="joints"/> joints; throws <see cref="TrainingException"/>
    /// with a one-line reason. The crop box is <see cref="MpiiAnnotation.Box"/>: with <see cref="BoxAdjustment.Mpii"/> the raw
    /// values adjusted as in spec §2.1 (cy + 15·s, then s × 1.25), with <see cref="BoxAdjustment.None"/> the values as they are.
    /// </summary>
    public static IReadOnlyList<MpiiAnnotation> Load(string path, int joints, BoxAdjustment adjustment)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(joints);
        if (!File.Exists(path))
        {
            throw new TrainingException($"annotation file '{path}' does not exist");
        }

        IReadOnlyList<MpiiAnnotation> records;
        try
        {
            records = MpiiAnnotationReader.ReadFile(path, centersAreAdjusted: adjustment == BoxAdjustment.None);
        }
        catch (AnnotationFormatException e)
        {
            throw new TrainingException(e.Message); // names the file, the record and the field
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot read annotation file '{path}': {e.Message}");
        }

        foreach (MpiiAnnotation record in records)
        {
            if (record.Joints.Count != joints)
            {
                throw new TrainingException(
                    $"'{path}' record {record.Index}: 'joint_self' has {record.Joints.Count} joints but --joints is {joints}");
            }
        }

        return records;
    }
}
