namespace CoupleGen.Data;

/// <summary>
/// Derives seeds from several integers identically in every process (unlike <see cref="System.HashCode"/>,
/// which is randomized per process), so that data order and augmentation survive a restart.
/// </summary>
internal static class StableSeed
{
    public static int Mix(int a, int b, int c = 0)
    {
        ulong x = Step((ulong)(uint)a) ^ Step((ulong)(uint)b + 0x632BE59BD9B4E019UL) ^ Step((ulong)(uint)c + 0x8CB92BA72F3D8DD7UL);
        return (int)(Step(x) >> 33);
    }

    // splitmix64's finalizer: a fast, well-mixing bijection on 64-bit integers.
    private static ulong Step(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
