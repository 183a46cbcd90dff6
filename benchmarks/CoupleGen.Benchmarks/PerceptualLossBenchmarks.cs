using BenchmarkDotNet.Attributes;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Models.ResNet;
using CoupleGen.Models.Vgg;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// Perceptual loss forward + backward at 256x256, batch 1, full-size networks (random weights: speed
/// does not depend on them): VGG16 with Johnson et al.'s and CoupleGenerator's taps, and ResNet18 with
/// its default taps (layer1-3), the backbone for users without VGG weights.
/// </summary>
[MemoryDiagnoser]
public class PerceptualLossBenchmarks
{
    private FeatureExtractor network = null!;
    private PerceptualLoss loss = null!;
    private torch.Tensor generated = null!;
    private torch.Tensor target = null!;

    [Params("vgg16:relu1_2,relu2_2,relu3_3,relu4_3", "vgg16:relu3_1,relu3_2,relu3_3", "resnet18:layer1,layer2,layer3")]
    public string Taps { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Taps.Split(':');
        string[] taps = parts[1].Split(',');
        network = parts[0] == "resnet18"
            ? new ResNetFeatures(new ResNetFeatureOptions { Taps = taps })
            : new VggFeatures(new VggFeatureOptions { Taps = taps });
        loss = new PerceptualLoss(network);
        generated = (torch.rand(1, 3, 256, 256) * 2 - 1).requires_grad_();
        target = torch.rand(1, 3, 256, 256) * 2 - 1;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        network.Dispose();
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
