using System.Runtime.CompilerServices;

namespace HourglassSimd.Training.Tests;

/// <summary>Applies the trainer's oneDNN ISA cap before any test can call libtorch (some call it before touching the trainer).</summary>
internal static class TestAssemblyInitializer
{
#pragma warning disable CA2255 // Deliberate: oneDNN reads its ISA variable once, at the first convolution.
    [ModuleInitializer]
    internal static void Initialize() => OneDnnIsaCap.Apply();
#pragma warning restore CA2255
}
