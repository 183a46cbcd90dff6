using System;
using System.IO;
using System.Runtime.InteropServices;
using CoupleGen.Native;
using Xunit;

namespace CoupleGen.Tests.Native;

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

public class LibTorchSharpResolverTests
{
    [Fact]
    public void RunTimeFallbackMakesARelaxedCopyOutsideTheNuGetCache()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string original = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(original), original);
        byte[] before = File.ReadAllBytes(original);
        string copy = LibTorchSharpResolver.RelaxedCopyOf(original);
        Assert.NotEqual(Path.GetFullPath(original), Path.GetFullPath(copy));
        Assert.True(ElfVersionNeeds.IsWeak(copy, "GLIBCXX_3.4.32"));
        Assert.Equal(before, File.ReadAllBytes(original));
        Assert.Equal(copy, LibTorchSharpResolver.RelaxedCopyOf(original));
    }
}
