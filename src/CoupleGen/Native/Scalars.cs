using TorchSharp;

namespace CoupleGen.Native;

/// <summary>
/// Long-lived scalars for hot paths. An implicit double-to-<see cref="Scalar"/> conversion makes a
/// temporary native object that nothing keeps alive once its handle is passed to libtorch; a
/// background GC can finalize it while the native call still reads it ("Scalar toDouble: Expected
/// false to be true" after a few thousand generations in the soak run). Static instances are
/// never collected and are immutable, so all threads can share them.
/// </summary>
internal static class Scalars
{
    public static readonly Scalar Zero = 0.0.ToScalar();
    public static readonly Scalar One = 1.0.ToScalar();
    public static readonly Scalar Half = 0.5.ToScalar();
    public static readonly Scalar PixelScale = 127.5.ToScalar();
    public static readonly Scalar PixelMax = 255.0.ToScalar();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>Returns a scalar for <paramref name="value"/> that lives as long as the process (values are few: option constants and learning rates).</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
