using BenchmarkDotNet.Attributes;
using CoupleGen.Data;
using CoupleGen.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>Image to tensor and back at 256x256, the part of generation outside the forward pass.</summary>
[MemoryDiagnoser]
public class ConversionBenchmarks
{
    private Image<Rgb24> image = null!;
    private torch.Tensor tensor = null!;

    [GlobalSetup]
    public void Setup()
    {
        // As in apps, where every model initializes the runtime (and its allocator tuning) first.
        CoupleGen.Native.CoupleGenRuntime.EnsureInitialized();
        image = new SyntheticCoupleDataset(1, 256).GetPair(0).A;
        tensor = ImageTensor.ToTensor(image);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        image.Dispose();
        tensor.Dispose();
    }

    [Benchmark]
    public long ImageToTensor()
    {
        using var t = ImageTensor.ToTensor(image);
        return t.numel();
    }

    [Benchmark]
    public int TensorToImage()
    {
        using var i = ImageTensor.ToImage(tensor);
        return i.Width;
    }
}
