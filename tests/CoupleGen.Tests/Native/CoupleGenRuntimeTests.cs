using System;
using System.IO;
using System.Runtime.InteropServices;
using CoupleGen.Native;
using Xunit;

namespace CoupleGen.Tests.Native;

[Trait("Category", "Unit")]
public class CoupleGenRuntimeTests
{
    [Fact]
    public void TheOutputCopyOfLibTorchSharpHasTheGlibcxxRequirementRelaxed()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string library = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(library), library);
        Assert.True(ElfVersionNeeds.IsWeak(library, "GLIBCXX_3.4.32"), "the build target did not mark GLIBCXX_3.4.32 weak");

        string cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (File.Exists(cached))
        {
            Assert.False(ElfVersionNeeds.IsWeak(cached, "GLIBCXX_3.4.32"), "the NuGet cache copy must stay untouched");
        }
    }

    [Fact]
    public void PatchingIsIdempotentAndKeepsOtherRequirements()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string copy = Path.Combine(TestData.NewFolder(), "libLibTorchSharp.so");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"), copy);
        Assert.Equal(ElfVersionNeeds.Result.AlreadyWeak, ElfVersionNeeds.MakeWeak(copy, "GLIBCXX_3.4.32"));
        Assert.False(ElfVersionNeeds.IsWeak(copy, "GLIBCXX_3.4.30"));
        Assert.Null(ElfVersionNeeds.IsWeak(copy, "GLIBCXX_9.9"));
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.IsWeak(typeof(CoupleGenRuntimeTests).Assembly.Location, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void RuntimeLoadsAndTunesGlibcMalloc()
    {
        CoupleGenRuntime.EnsureInitialized();
        bool glibc = OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);
        Assert.Equal(glibc && CoupleGenRuntime.MallocTuningEnabled, CoupleGenRuntime.MallocTuned);
    }
}

[Trait("Category", "Unit")]
public class LibTorchSharpLoadFixTests
{
    [Fact]
    public void RunTimeFixRelaxesTheAppFolderCopyAndNeverTheNuGetCache()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string original = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(original), original);
        byte[] before = File.ReadAllBytes(original);

        string app = TestData.NewFolder();
        string native = Path.Combine(app, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        string copy = Path.Combine(native, "libLibTorchSharp.so");
        File.Copy(original, copy);
        Assert.StartsWith("Patched", LibTorchSharpLoadFix.TryFix(app), StringComparison.Ordinal);
        Assert.True(ElfVersionNeeds.IsWeak(copy, "GLIBCXX_3.4.32"));
        Assert.StartsWith("AlreadyWeak", LibTorchSharpLoadFix.TryFix(app), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(native));

        Assert.Equal("no libLibTorchSharp.so in the app folder", LibTorchSharpLoadFix.TryFix(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(original))))!));
        Assert.Equal(before, File.ReadAllBytes(original));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData(" 0 ", true)]
    [InlineData("1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void OnlyZeroTurnsTheLibTorchSharpFixOff(string? value, bool optedOut)
    {
        Assert.Equal("COUPLEGEN_LIBTORCHSHARP_FIX", LibTorchSharpLoadFix.OptOutVariable);
        Assert.Equal(optedOut, LibTorchSharpLoadFix.IsOptedOut(value));
    }
}

[Trait("Category", "Unit")]
public class NativeRuntimeDiagnosisTests
{
    [Fact]
    public void NamesTheBackendPackageWhenNoNativeLibraryIsPresent()
    {
        string message = CoupleGenRuntime.Diagnose(TestData.NewFolder());
        Assert.Contains("libtorch-cpu-linux-x64", message, StringComparison.Ordinal);
        Assert.Contains("TorchSharp-cpu", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsTheLoadersReasonForABrokenLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string folder = TestData.NewFolder();
        string native = Path.Combine(folder, "runtimes", "linux-x64", "native");
        Directory.CreateDirectory(native);
        File.WriteAllText(Path.Combine(native, "libLibTorchSharp.so"), "not an ELF file");
        File.WriteAllText(Path.Combine(native, "libtorch_cpu.so"), "not an ELF file");
        string message = CoupleGenRuntime.Diagnose(folder);
        Assert.Contains(Path.Combine(native, "libLibTorchSharp.so"), message, StringComparison.Ordinal);
        Assert.Contains("could not be loaded", message, StringComparison.Ordinal);
    }
}
