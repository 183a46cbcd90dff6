using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Models;
using CoupleGen.Precision;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Kernels;

/// <summary>
/// How the trainer computes each convolution of its networks, chosen by checking the candidates at the
/// layer's training shape (output, input gradient and weight gradient) against the same convolution
/// computed as a matrix product over unfolded patches, whose gradients do not go through oneDNN.
/// libtorch 2.10's CPU convolutions return wrong input gradients when the output channels are not a
/// multiple of 16 (the PatchGAN's last, 1-channel layer: relative error about 1; NaN for some shapes),
/// in FP32 and in bfloat16; zero-padding the output channels to a multiple of 16 and slicing the result
/// gives exact gradients at little cost. In mixed precision the candidates come
/// first in bfloat16 (autocast: the FP32 weight is cast at every call, so gradients and optimizer stay
/// FP32; activations are bfloat16 channels-last), then in FP32. Layers whose FP32 module passes keep it,
/// so an FP32 trainer with no failing layer computes exactly as before. TorchSharp has no autocast or
/// per-op override, so the choices run through <see cref="ConvolutionOverrides"/>.
/// <para>
/// In mixed precision on the CPU, weight-bound layers (each weight used at <see cref="WeightBoundUses"/>
/// or fewer positions per batch: the U-Nets' inner levels, up to 16 MB of weights applied to a few
/// pixels) try the bfloat16 unfolded product first: oneDNN re-lays out the bfloat16 weight for each of
/// a convolution's three passes (forward, input gradient, weight gradient) and the weight gradient back,
/// which costs these layers several times their arithmetic, while a matrix product reads the weight
/// where it is (<c>ConvolutionKernelBenchmarks</c>: 2.9-4x faster per layer; ties at 256 uses). FP32
/// modules stay faster than the FP32 product, so FP32 training keeps them.
/// </para>
/// </summary>
internal sealed partial class CheckedConvolutions
{
    private const long ChannelMultiple = 16;

    /// <summary>At most this many uses of each weight per batch (output positions of a convolution, input positions of a transposed one) make a layer weight-bound.</summary>
    private const long WeightBoundUses = 64;

    private readonly List<Action<bool>> switches = new();
    private readonly Dictionary<string, ConvolutionKernel> choices = new();
    private readonly Dictionary<string, ConvolutionKernel> workarounds = new();

    /// <summary>Initializes a new instance of the <see cref="CheckedConvolutions"/> class, checking every convolution (disabled until <see cref="Enable"/>).</summary>
    /// <param name="generator">The generator; its convolutions are named <c>Generator.</c> + their state-dict path.</param>
    /// <param name="discriminator">The discriminator (<c>Discriminator.</c>).</param>
    /// <param name="batchSize">The training batch size.</param>
    /// <param name="imageSize">The training images' width and height.</param>
    /// <param name="mixedPrecision">Whether bfloat16 candidates come first.</param>
    /// <param name="rejectBf16">Tests only: treat every bfloat16 candidate as failed.</param>
    /// <exception cref="NotSupportedException">A network computes a convolution outside <see cref="ConvolutionOverrides"/>.</exception>
    public CheckedConvolutions(nn.Module<Tensor, Tensor> generator, nn.Module<Tensor, Tensor> discriminator, int batchSize, int imageSize, bool mixedPrecision, bool rejectBf16 = false)
    {
        MixedPrecision = mixedPrecision;

        // The checks draw random numbers; the run's seeded stream must not depend on them.
        using Tensor randomState = torch.get_rng_state();
        try
        {
            Add(generator, "Generator", batchSize, imageSize, rejectBf16);
            Add(discriminator, "Discriminator", batchSize, imageSize, rejectBf16);
        }
        finally
        {
            torch.set_rng_state(randomState);
        }
    }

    /// <summary>Gets a value indicating whether the networks compute in bfloat16 where the check allows.</summary>
    public bool MixedPrecision { get; }

    /// <summary>Gets the choice for every convolution, by name (e.g. <c>Discriminator.model.11</c>).</summary>
    public IReadOnlyDictionary<string, ConvolutionKernel> Choices => choices;

    /// <summary>Gets the choices made because a preferred kernel failed its check, by name.</summary>
    public IReadOnlyDictionary<string, ConvolutionKernel> Workarounds => workarounds;

    /// <summary>
    /// Converts a batch to the networks' input format: bfloat16 channels-last in mixed precision, FP32 NCHW
    /// otherwise. libtorch carries the input's layout through every layer; <see cref="Imaging.ImageTensor.ToBatch"/>
    /// gives a channels-last batch, and an FP32 step of unet_256 + PatchGAN at 256x256 took 736 ms with it
    /// against 554 ms in NCHW (median of 10, interleaved; in bfloat16 both layouts take the same time).
    /// </summary>
    public Tensor ToInput(Tensor batch) => MixedPrecision ? BFloat16Inference.ToInput(batch) : batch.contiguous();

    /// <summary>Computes the networks with the chosen kernels until the result is disposed.</summary>
    public IDisposable Enable()
    {
        switches.ForEach(use => use(true));
        return new Disabler(switches);
    }

    private void Add(nn.Module<Tensor, Tensor> network, string networkName, int batchSize, int imageSize, bool rejectBf16)
    {
        var names = new Dictionary<nn.Module, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, module) in network.named_modules())
        {
            names[module] = name;
        }

        Device device = network.parameters().First().device;
        using Tensor probe = torch.zeros(new[] { batchSize, ConvolutionInputs.InputChannels(network), imageSize, imageSize }, device: device);
        var overrides = new List<(Convolution Convolution, Func<Tensor, Tensor> Kernel)>();
        foreach (var (convolution, shape) in ConvolutionInputs.Record(network, probe))
        {
            var (choice, preferredFailed) = Choose(convolution, shape, rejectBf16);
            string name = $"{networkName}.{names[convolution]}";
            choices[name] = choice;
            if (preferredFailed)
            {
                workarounds[name] = choice;
            }

            // In mixed precision every layer casts its input, so every convolution needs its kernel.
            if (choice != ConvolutionKernel.Module || MixedPrecision)
            {
                overrides.Add((convolution, Kernel(convolution, choice)));
            }
        }

        if (overrides.Count > 0)
        {
            switches.Add(on => overrides.ForEach(o => ConvolutionOverrides.Set(o.Convolution, on ? o.Kernel : null)));
        }
    }

    /// <summary>Returns the first candidate that passes its check, and whether an earlier one failed.</summary>
    private (ConvolutionKernel Choice, bool PreferredFailed) Choose(Convolution convolution, long[] inputShape, bool rejectBf16)
    {
        using var scope = NewDisposeScope();
        long[] shape = inputShape.ToArray();
        shape[0] = 1;
        Device device = convolution.weight.device;
        Tensor input = torch.randn(shape, device: device);
        Tensor weight = convolution.weight.detach();
        Tensor? outputGradient = null;
        var reference = Run(convolution, ConvolutionKernel.Unfolded, input, weight, ref outputGradient);

        var candidates = new List<ConvolutionKernel>();
        if (MixedPrecision && !rejectBf16)
        {
            if (device.type == DeviceType.CPU && WeightUses(convolution, inputShape) <= WeightBoundUses)
            {
                candidates.Add(ConvolutionKernel.Bf16Unfolded);
            }

            candidates.AddRange(new[] { ConvolutionKernel.Bf16, ConvolutionKernel.Bf16Padded });
        }

        candidates.AddRange(new[] { ConvolutionKernel.Module, ConvolutionKernel.Fp32Padded });
        foreach (ConvolutionKernel candidate in candidates)
        {
            double tolerance = IsBf16(candidate) ? KernelCheck.Bf16Tolerance : KernelCheck.Fp32Tolerance;
            var result = Run(convolution, candidate, input, weight, ref outputGradient);
            if (KernelCheck.Close(result.Output, reference.Output, tolerance) && KernelCheck.Close(result.InputGradient, reference.InputGradient, tolerance) && KernelCheck.Close(result.WeightGradient, reference.WeightGradient, tolerance))
            {
                return (candidate, candidate != candidates[0]);
            }
        }

        return (ConvolutionKernel.Unfolded, true);
    }

    /// <summary>How often each weight is applied per batch: the output positions of a convolution, the input positions of a transposed one.</summary>
    private static long WeightUses(Convolution convolution, long[] inputShape)
    {
        if (convolution is ConvTranspose2d)
        {
            return inputShape[0] * inputShape[2] * inputShape[3];
        }

        return inputShape[0] * ConvolutionInputs.OutputSize(convolution, inputShape[2], 0) * ConvolutionInputs.OutputSize(convolution, inputShape[3], 1);
    }

    private static bool IsBf16(ConvolutionKernel kernel) => kernel is ConvolutionKernel.Bf16 or ConvolutionKernel.Bf16Padded or ConvolutionKernel.Bf16Unfolded;

    /// <summary>Runs one kernel forward and backward on copies of the input and weight; returns the output and both gradients in FP32.</summary>
    private static (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Run(Convolution convolution, ConvolutionKernel kernel, Tensor input, Tensor weight, ref Tensor? outputGradient)
    {
        bool reduced = IsBf16(kernel);
        Tensor x = (reduced ? BFloat16Inference.ToInput(input) : input.clone()).detach().requires_grad_(true);
        Tensor w = weight.clone().requires_grad_(true);
        Tensor y = Compute(convolution, kernel, x, w, convolution.bias?.detach());
        outputGradient ??= torch.randn(y.shape, device: y.device);
        y.backward(new[] { outputGradient.to(y.dtype) });
        return (y.to(ScalarType.Float32), x.grad!.to(ScalarType.Float32), w.grad!.to(ScalarType.Float32));
    }

    private sealed class Disabler(List<Action<bool>> switches) : IDisposable
    {
        public void Dispose() => switches.ForEach(use => use(false));
    }
}
