using System;
using System.IO;
using System.Runtime.InteropServices;
using CoupleGen.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace CoupleGen.Native;

/// <summary>
/// Loads the libtorch native runtime once per process, with clear errors when it cannot be loaded,
/// and tunes glibc's allocator for libtorch's large, short-lived buffers.
/// Every CoupleGen entry point calls <see cref="EnsureInitialized"/>; apps call it only to fail early.
/// </summary>
public static class CoupleGenRuntime
{
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapMax = -4;
    private static readonly object Gate = new();
    private static bool initialized;

    /// <summary>
    /// Gets or sets a value indicating whether glibc's malloc is tuned when the runtime is first initialized.
    /// Default: <see langword="true"/>, unless the environment variable <c>COUPLEGEN_MALLOC_TUNING</c> is <c>0</c>.
    /// </summary>
    /// <remarks>
    /// By default glibc serves libtorch's multi-megabyte activations with fresh mmap calls and unmaps
    /// them after each use, so every forward pass page-faults its memory in again. Setting
    /// <c>M_MMAP_MAX</c> to 0 and <c>M_TRIM_THRESHOLD</c> to its maximum keeps freed memory in the
    /// heap for reuse, which made the 256x256 generator 2-4x faster on a 2-core machine. The cost:
    /// the process keeps its peak heap size instead of returning it to the OS. Has no effect on other
    /// C libraries or operating systems, or once the runtime has been initialized.
    /// </remarks>
    public static bool MallocTuningEnabled { get; set; } =
        Environment.GetEnvironmentVariable("COUPLEGEN_MALLOC_TUNING") != "0";

    /// <summary>
    /// Gets or sets a value indicating whether JPEGs are decoded with libjpeg-turbo's TurboJPEG library
    /// when the system has it (Debian and Ubuntu: <c>apt-get install libturbojpeg0</c>). Default:
    /// <see langword="true"/>, unless the environment variable <c>COUPLEGEN_NATIVE_JPEG</c> is <c>0</c>.
    /// </summary>
    /// <remarks>
    /// TurboJPEG loads a 512x512 photo about 4x faster than ImageSharp (0.8 against 3.7 ms here). Its
    /// pixels differ from ImageSharp's by at most 3 levels of 255 (a different inverse DCT; mean 0.02-0.04
    /// on photos), so set this to <see langword="false"/> for results that do not depend on whether a
    /// machine has the library. CMYK JPEGs, damaged ones and machines without the library use ImageSharp. Read once,
    /// when the first JPEG is decoded or the runtime logs which decoder it uses, whichever comes first.
    /// </remarks>
    public static bool NativeJpegDecodingEnabled { get; set; } =
        Environment.GetEnvironmentVariable("COUPLEGEN_NATIVE_JPEG") != "0";

    /// <summary>Gets the TurboJPEG library JPEGs are decoded with (e.g. <c>libturbojpeg.so.0</c>), or <see langword="null"/> when ImageSharp decodes them.</summary>
    public static string? NativeJpegDecoder => TurboJpegLibrary.Functions?.Name;

    /// <summary>Gets a value indicating whether glibc's malloc was tuned in this process.</summary>
    public static bool MallocTuned { get; private set; }

    /// <summary>Loads libtorch (once) and applies the allocator tuning if enabled.</summary>
    /// <param name="logger">Receives one line saying what was done; <see langword="null"/> for none.</param>
    /// <exception cref="NativeRuntimeException">libtorch or TorchSharp's native bridge cannot be loaded; the message says why and how to fix it.</exception>
    public static void EnsureInitialized(ILogger? logger = null)
    {
        if (initialized)
        {
            return;
        }

        lock (Gate)
        {
            if (initialized)
            {
                return;
            }

            logger ??= NullLogger.Instance;
            if (MallocTuningEnabled)
            {
                MallocTuned = TryTuneGlibcMalloc();
            }

            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception ex) when (ex is TypeInitializationException or NotSupportedException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new NativeRuntimeException(Diagnose(AppContext.BaseDirectory), ex);
            }

            initialized = true;
            if (logger.IsEnabled(LogLevel.Information))
            {
                CoupleGen.Log.RuntimeReady(logger, torch.__version__, torch.cuda.is_available(), MallocTuned, NativeJpegDecoder ?? "ImageSharp");
            }

            if (LibTorchSharpLoadFix.Outcome != LibTorchSharpLoadFix.NotNeeded)
            {
                CoupleGen.Log.LibTorchSharpFixed(logger, LibTorchSharpLoadFix.Outcome);
            }
        }
    }

    /// <summary>
    /// Returns the heap's free pages to the OS once, after a one-off burst of frees (a model's FP32
    /// weights replaced by bfloat16 copies, a loaded state dict): the tuning keeps freed memory for
    /// reuse, which is right for per-call activations but would keep that burst resident for good.
    /// </summary>
    /// <returns>Whether any memory went back to the OS.</returns>
    internal static bool ReleaseFreedMemory() => MallocTuned && Glibc.malloc_trim(0) == 1;

    /// <summary>Initializes the runtime and returns <paramref name="name"/>: lets module constructors do it before TorchSharp's base constructor calls into libtorch.</summary>
    internal static string InitializedName(string name)
    {
        EnsureInitialized();
        return name;
    }

    private static bool TryTuneGlibcMalloc()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc))
        {
            return false;
        }

        // musl and other C libraries have no gnu_get_libc_version and ignore or lack mallopt's options.
        if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _))
        {
            return false;
        }

        return Glibc.mallopt(MallocMmapMax, 0) == 1 && Glibc.mallopt(MallocTrimThreshold, int.MaxValue) == 1;
    }

    /// <summary>Explains why libtorch did not load from an app folder: which library is missing or what the loader said.</summary>
    internal static string Diagnose(string baseDir)
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        string library = OperatingSystem.IsWindows() ? "LibTorchSharp.dll" : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so";
        string? found = FindNative(baseDir, library);
        if (found is null)
        {
            return $"TorchSharp's native library {library} is not in the application folder '{baseDir}' (runtime {rid}). " +
                "Reference a libtorch backend package in the application project: 'libtorch-cpu-linux-x64' 2.10.0 (Linux CPU), " +
                "'TorchSharp-cpu' 0.107.0 (CPU, all platforms) or a CUDA build for your platform, then rebuild.";
        }

        if (FindNative(baseDir, OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so") is null)
        {
            return $"Found {found}, but not libtorch itself beside it. Reference a libtorch backend package in the application project: " +
                "'libtorch-cpu-linux-x64' 2.10.0 (Linux CPU), 'TorchSharp-cpu' 0.107.0 or a CUDA build, then rebuild.";
        }

        string reason;
        try
        {
            IntPtr handle = NativeLibrary.Load(found);
            NativeLibrary.Free(handle);
            reason = "it loads on its own, so a library it depends on failed when TorchSharp initialized (see the inner exception)";
        }
        catch (DllNotFoundException ex)
        {
            reason = ex.Message;
        }

        string message = $"The libtorch runtime could not be loaded from '{found}': {reason}.";
        if (reason.Contains("GLIBCXX_", StringComparison.Ordinal))
        {
            message += " This system's libstdc++ is older than the one TorchSharp 0.107 was built against. CoupleGen's build step " +
                "(CoupleGen.targets, imported from the package) relaxes that requirement in the copy of the library in your app's " +
                "build and publish output; it did not run on this copy. Run the app from its own build or publish folder, make sure " +
                "CoupleGenPatchLibTorchSharp is not set to false, or install a libstdc++ from GCC 13 or newer.";
        }

        return message;
    }

    private static string? FindNative(string baseDir, string fileName)
    {
        string direct = Path.Combine(baseDir, fileName);
        if (File.Exists(direct))
        {
            return direct;
        }

        string ridFolder = Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", fileName);
        if (File.Exists(ridFolder))
        {
            return ridFolder;
        }

        string runtimes = Path.Combine(baseDir, "runtimes");
        if (Directory.Exists(runtimes))
        {
            foreach (string candidate in Directory.EnumerateFiles(runtimes, fileName, SearchOption.AllDirectories))
            {
                return candidate;
            }
        }

        return null;
    }

    private static partial class Glibc
    {
        [DllImport("libc.so.6", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int mallopt(int param, int value);

        [DllImport("libc.so.6", CallingConvention = CallingConvention.Cdecl)]
        internal static extern int malloc_trim(nuint pad);
    }
}
