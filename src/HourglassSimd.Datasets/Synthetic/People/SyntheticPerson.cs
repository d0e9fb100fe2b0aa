using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>The ground truth of one person in a synthetic image, in image pixels.</summary>
/// <param name="Joints">The 16 MPII joints in MPII order.</param>
/// <param name="Visible">Per joint: not hidden by another part, another person or an object.</param>
/// <param name="Center">Centre of the person's bounding box.</param>
/// <param name="Size">Longer side of the person's bounding box (MPII <c>scale_provided</c> = size / 200).</param>
/// <param name="HeadMin">Top-left corner of the head box.</param>
/// <param name="HeadMax">Bottom-right corner of the head box.</param>
internal sealed record SyntheticPerson(Vector2[] Joints, bool[] Visible, Vector2 Center, float Size, Vector2 HeadMin, Vector2 HeadMax)
{
    /// <summary>The PCKh normaliser: 0.6 × the head box diagonal, as in MPII.</summary>
    public float HeadSize => 0.6f * Vector2.Distance(HeadMin, HeadMax);
}
