namespace HourglassSimd.Fuzz.Tests;

/// <summary>Where a format keeps an integer field, for the mutations that set it to an extreme.</summary>
public readonly record struct IntField(int Offset, int Width, bool BigEndian = false);
