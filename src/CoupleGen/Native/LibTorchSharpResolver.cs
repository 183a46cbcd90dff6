using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace CoupleGen.Native;

/// <summary>
/// The run-time fallback of the GLIBCXX fix. CoupleGen.targets patches libLibTorchSharp.so in an
/// app's build output, but some hosts build without it: projects that reference CoupleGen as a
/// project rather than a package, BenchmarkDotNet's generated projects, notebooks. When the normal
/// load of that library fails here, this resolver loads a copy with the same one requirement
/// relaxed, made once in the user's cache folder (never in the NuGet cache or the app folder).
/// </summary>
internal static class LibTorchSharpResolver
{
    private const string LibraryName = "LibTorchSharp";
    private const string FileName = "libLibTorchSharp.so";
    private const string RelaxedVersion = "GLIBCXX_3.4.32";
    private static readonly object Gate = new();
    private static IntPtr handle;

    /// <summary>Gets the path of the relaxed copy, if this process had to use one.</summary>
    public static string? RelaxedCopy { get; private set; }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The resolver must be in place before TorchSharp's first native call, which user code may make before calling CoupleGen.")]
    internal static void Register()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(torch).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The app registered its own resolver for TorchSharp; it takes precedence.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(name, LibraryName, StringComparison.Ordinal) && !string.Equals(name, FileName, StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        lock (Gate)
        {
            if (handle != IntPtr.Zero)
            {
                return handle;
            }

            string? original = FindOriginal(assembly);
            if (original is null || NativeLibrary.TryLoad(original, out handle))
            {
                return handle;
            }

            try
            {
                string copy = RelaxedCopyOf(original);
                if (NativeLibrary.TryLoad(copy, out handle))
                {
                    RelaxedCopy = copy;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // Fall back to TorchSharp's own probing; CoupleGenRuntime then explains the failure.
            }

            return handle;
        }
    }

    private static string? FindOriginal(Assembly torchSharp)
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        string appFolder = AppContext.BaseDirectory;
        string? torchFolder = Path.GetDirectoryName(torchSharp.Location);
        string[] candidates =
        {
            Path.Combine(appFolder, "runtimes", rid, "native", FileName),
            Path.Combine(appFolder, "runtimes", "linux-x64", "native", FileName),
            Path.Combine(appFolder, FileName),
            torchFolder is null ? string.Empty : Path.Combine(torchFolder, "..", "..", "runtimes", "linux-x64", "native", FileName),
        };
        foreach (string candidate in candidates)
        {
            if (candidate.Length > 0 && File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    internal static string RelaxedCopyOf(string original)
    {
        byte[] bytes = File.ReadAllBytes(original);
        string hash = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        string root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        if (string.IsNullOrEmpty(root))
        {
            root = Path.GetTempPath();
        }

        string folder = Path.Combine(root, "CoupleGen", "native", hash);
        string copy = Path.Combine(folder, FileName);
        if (File.Exists(copy) && ElfVersionNeeds.IsWeak(copy, RelaxedVersion) == true)
        {
            return copy;
        }

        Directory.CreateDirectory(folder);
        string temp = copy + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllBytes(temp, bytes);
        ElfVersionNeeds.MakeWeak(temp, RelaxedVersion);
        File.Move(temp, copy, overwrite: true);
        return copy;
    }
}
