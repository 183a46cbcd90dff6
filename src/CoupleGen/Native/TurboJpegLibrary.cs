using System;
using System.Runtime.InteropServices;

namespace CoupleGen.Native;

/// <summary>
/// Binds libjpeg-turbo's TurboJPEG library once per process when the system has it and
/// <see cref="CoupleGenRuntime.NativeJpegDecodingEnabled"/> allows it; <c>Imaging.TurboJpeg</c> decodes with it.
/// </summary>
internal static class TurboJpegLibrary
{
    private static readonly Lazy<Entry?> Library = new(Load);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate IntPtr InitDecompressFunction();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int DecompressHeaderFunction(IntPtr handle, byte[] jpeg, CULong size, out int width, out int height, out int subsampling, out int colorspace);

    // The destination is passed by reference (pinned by the marshaller) so that pixels land in the image's own memory.
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int DecompressFunction(IntPtr handle, byte[] jpeg, CULong size, ref byte destination, int width, int pitch, int height, int pixelFormat, int flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int DestroyFunction(IntPtr handle);

    /// <summary>Gets the bound library, or <see langword="null"/> when none could be loaded or native decoding is off.</summary>
    public static Entry? Functions => Library.Value;

    private static Entry? Load()
    {
        if (!CoupleGenRuntime.NativeJpegDecodingEnabled)
        {
            return null;
        }

        string[] names = OperatingSystem.IsWindows() ? new[] { "turbojpeg.dll" }
            : OperatingSystem.IsMacOS() ? new[] { "libturbojpeg.0.dylib", "libturbojpeg.dylib" }
            : new[] { "libturbojpeg.so.0", "libturbojpeg.so" };
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library))
            {
                if (NativeLibrary.TryGetExport(library, "tjInitDecompress", out IntPtr init)
                    && NativeLibrary.TryGetExport(library, "tjDecompressHeader3", out IntPtr header)
                    && NativeLibrary.TryGetExport(library, "tjDecompress2", out IntPtr decompress)
                    && NativeLibrary.TryGetExport(library, "tjDestroy", out IntPtr destroy))
                {
                    return new Entry(
                        name,
                        Marshal.GetDelegateForFunctionPointer<InitDecompressFunction>(init),
                        Marshal.GetDelegateForFunctionPointer<DecompressHeaderFunction>(header),
                        Marshal.GetDelegateForFunctionPointer<DecompressFunction>(decompress),
                        Marshal.GetDelegateForFunctionPointer<DestroyFunction>(destroy));
                }

                NativeLibrary.Free(library);
            }
        }

        return null;
    }

    /// <summary>The loaded library's name and the functions the decoder calls.</summary>
    public sealed record Entry(
        string Name,
        InitDecompressFunction InitDecompress,
        DecompressHeaderFunction DecompressHeader,
        DecompressFunction Decompress,
        DestroyFunction Destroy);
}
