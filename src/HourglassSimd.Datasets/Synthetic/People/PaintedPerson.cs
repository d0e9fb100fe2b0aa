using System.Numerics;

namespace HourglassSimd.Datasets.Synthetic;

/// <summary>A person as painted: the 16 joints in image pixels (MPII order) and the head's bounding box.</summary>
internal sealed record PaintedPerson(Vector2[] Joints, Vector2 HeadMin, Vector2 HeadMax);
