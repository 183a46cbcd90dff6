using System;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoupleGen.Native;

/// <summary>
/// The run-time half of the GLIBCXX fix. CoupleGen.targets relaxes libLibTorchSharp.so's
/// GLIBCXX_3.4.32 requirement in an app's build output, but some hosts build without it: projects
/// that reference CoupleGen as a project rather than a package, BenchmarkDotNet's generated
/// projects. When CoupleGen is first used on a system whose libstdc++ lacks that version, this
/// makes the same one-flag change to the copy in the app's own folder (atomically, never in the
/// NuGet cache) before TorchSharp loads it. TorchSharp loads its library by path, so a copy
/// elsewhere could not be substituted. Set <c>COUPLEGEN_LIBTORCHSHARP_FIX=0</c> to leave the file untouched;
/// what happened is logged once when CoupleGen's runtime starts (<see cref="Outcome"/>).
/// </summary>
internal static class LibTorchSharpLoadFix
{
    private const string FileName = "libLibTorchSharp.so";
    private const string RelaxedVersion = "GLIBCXX_3.4.32";

    /// <summary>The environment variable that turns the fix off when it is <c>0</c>.</summary>
    internal const string OptOutVariable = "COUPLEGEN_LIBTORCHSHARP_FIX";

    /// <summary>Gets what the fix did in this process.</summary>
    public static string Outcome { get; private set; } = NotNeeded;

    /// <summary>The <see cref="Outcome"/> when this system's libstdc++ has the version (or the system is not Linux).</summary>
    internal const string NotNeeded = "not needed";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The fix must run before TorchSharp's first native call, which TorchSharp's own types can trigger before any CoupleGen method runs.")]
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux() || SystemLibStdCxxHasMarker())
        {
            return;
        }

        Outcome = IsOptedOut(Environment.GetEnvironmentVariable(OptOutVariable))
            ? $"left as it is ({OptOutVariable}=0)"
            : TryFix(AppContext.BaseDirectory);
    }

    /// <summary>Whether the opt-out variable's value turns the fix off.</summary>
    internal static bool IsOptedOut(string? value) => value?.Trim() == "0";

    /// <summary>Relaxes the requirement in the app folder's copy, if present and not yet relaxed; never throws.</summary>
    internal static string TryFix(string appFolder)
    {
        string[] candidates =
        {
            Path.Combine(appFolder, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", FileName),
            Path.Combine(appFolder, "runtimes", "linux-x64", "native", FileName),
            Path.Combine(appFolder, FileName),
        };
        foreach (string candidate in candidates)
        {
            if (!File.Exists(candidate) || IsInNuGetCache(candidate))
            {
                continue;
            }

            try
            {
                return $"{ElfVersionNeeds.MakeWeak(candidate, RelaxedVersion)}: {candidate}";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return $"failed for {candidate}: {ex.Message}";
            }
        }

        return "no libLibTorchSharp.so in the app folder";
    }

    private static bool SystemLibStdCxxHasMarker()
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out IntPtr libstdcxx))
        {
            return true;
        }

        return NativeLibrary.TryGetExport(libstdcxx, "_ZSt21ios_base_library_initv", out _);
    }

    private static bool IsInNuGetCache(string path)
    {
        string full = Path.GetFullPath(path);
        string? packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return (!string.IsNullOrEmpty(packages) && full.StartsWith(Path.GetFullPath(packages), StringComparison.Ordinal))
            || (!string.IsNullOrEmpty(home) && full.StartsWith(Path.Combine(home, ".nuget", "packages"), StringComparison.Ordinal));
    }
}
