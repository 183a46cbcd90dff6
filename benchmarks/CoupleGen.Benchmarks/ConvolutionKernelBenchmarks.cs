using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CoupleGen.Kernels;
using CoupleGen.Generation;
using CoupleGen.Precision;
using CoupleGen.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Benchmarks;

/// <summary>
/// One training pass (forward, input gradient, weight gradient) of single unet_256 layers at 256x256,
/// batch 1, with each kernel the trainer can choose: oneDNN's convolution (bfloat16 autocast or the FP32
/// module) against the matrix product over unfolded patches. The first two layers are weight-bound (each
/// weight used at 4 and 16 positions), the last two are not (256 positions): in mixed precision the
/// trainer unfolds layers with at most 64; FP32 keeps its modules.
/// </summary>
[Config(typeof(Config))]
public class ConvolutionKernelBenchmarks
{
    private static readonly Dictionary<string, (bool Transposed, long In, long Out, long Size)> Layers = new()
    {
        ["up 1024->512 at 2x2"] = (true, 1024, 512, 2),
        ["down 512->512 at 8x8"] = (false, 512, 512, 8),
        ["up 1024->256 at 16x16"] = (true, 1024, 256, 16),
        ["down 256->512 at 32x32"] = (false, 256, 512, 32),
    };

    private Convolution layer = null!;
    private Tensor input = null!;

    public static IEnumerable<string> LayerNames => Layers.Keys;

    [ParamsSource(nameof(LayerNames))]
    public string Layer { get; set; } = "up 1024->512 at 2x2";

    [Params(nameof(ConvolutionKernel.Bf16), nameof(ConvolutionKernel.Bf16Unfolded), nameof(ConvolutionKernel.Module), nameof(ConvolutionKernel.Unfolded))]
    public string Kernel { get; set; } = nameof(ConvolutionKernel.Bf16);

    private ConvolutionKernel Chosen => Enum.Parse<ConvolutionKernel>(Kernel);

    [GlobalSetup]
    public void Setup()
    {
        // Raw TorchSharp layers do not initialize CoupleGen's runtime (malloc tuning) the way its models do.
        Native.CoupleGenRuntime.EnsureInitialized();
        var (transposed, inChannels, outChannels, size) = Layers[Layer];
        layer = transposed
            ? nn.ConvTranspose2d(inChannels, outChannels, 4, stride: 2, padding: 1)
            : nn.Conv2d(inChannels, outChannels, 4, stride: 2, padding: 1);
        Tensor batch = randn(1, inChannels, size, size);
        input = Chosen is ConvolutionKernel.Bf16 or ConvolutionKernel.Bf16Unfolded ? BFloat16Inference.ToInput(batch) : batch;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        layer.Dispose();
        input.Dispose();
    }

    [Benchmark]
    public long ForwardAndBackward()
    {
        using var scope = NewDisposeScope();
        Tensor x = input.detach().requires_grad_(true);
        Tensor y = CheckedConvolutions.Compute(layer, Chosen, x, layer.weight!, layer.bias);
        y.backward(new[] { ones_like(y) });
        layer.weight!.grad = null;
        return y.shape[1];
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
