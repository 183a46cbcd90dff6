using BenchmarkDotNet.Attributes;
using CoupleGen.Losses;
using CoupleGen.Models.Vgg;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>Perceptual loss forward + backward at 256x256, batch 1, full-size VGG16 (random weights: speed does not depend on them).</summary>
[MemoryDiagnoser]
public class PerceptualLossBenchmarks
{
    private VggFeatures vgg = null!;
    private PerceptualLoss loss = null!;
    private torch.Tensor generated = null!;
    private torch.Tensor target = null!;

    [Params("relu1_2,relu2_2,relu3_3,relu4_3", "relu3_1,relu3_2,relu3_3")]
    public string Taps { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        vgg = new VggFeatures(new VggFeatureOptions { Taps = Taps.Split(',') });
        loss = new PerceptualLoss(vgg);
        generated = (torch.rand(1, 3, 256, 256) * 2 - 1).requires_grad_();
        target = torch.rand(1, 3, 256, 256) * 2 - 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        vgg.Dispose();
        generated.Dispose();
        target.Dispose();
    }

    [Benchmark]
    public float ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        var value = loss.Compute(generated, target);
        value.backward();
        generated.grad?.zero_();
        return value.item<float>();
    }
}
