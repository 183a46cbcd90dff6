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
/// Keeps the U-Net's inner convolution weights in oneDNN's own blocked layout, so they are not
/// re-laid out on every call (bfloat16 channels-last or FP32 models on the CPU). At batch 1 the inner levels (512 channels, few pixels)
/// do little arithmetic on large weights, and oneDNN's per-call weight reorder cost more than the
/// convolutions. libtorch prepacks with <c>mkldnn_reorder_conv2d_weight</c> and runs with
/// <c>mkldnn_convolution</c>; TorchSharp binds neither, so a TorchScript function reaches them.
/// Transposed convolutions (stride 2, 4x4 kernel, padding 1) are run as one prepacked 2x2 convolution
/// whose four output groups are the four output pixel phases, interleaved afterwards.
/// Only tensors cross into TorchScript (sizes travel as a probe tensor): TorchSharp turns numbers into temporary native
/// scalars that the GC may free during the call.
/// </summary>
internal sealed class PrepackedConvolutions : IDisposable
{
    /// <summary>The largest difference allowed between a prepacked layer and its module on a random input, relative to the module's largest output (<see cref="KernelCheck.Bf16Tolerance"/>).</summary>
    internal const double Tolerance = KernelCheck.Bf16Tolerance;

    /// <summary>
    /// Gets the widest input (pixels) of a prepacked down convolution and of a prepacked transposed one, by
    /// weight type. Chosen by timing each level on a 2-core Zen 5 machine: wider levels have large
    /// activations and small weights, where prepacking stops paying (and at batch 8 costs time).
    /// </summary>
    internal static (int Convolution, int Transposed) MaxInput(ScalarType weights) =>
        weights == ScalarType.BFloat16 ? (16, 8) : (64, 32);

    private const string Script = """
        def pack_down(w: Tensor, probe: Tensor):
            return torch.mkldnn_reorder_conv2d_weight(w.contiguous().to_mkldnn(), [1, 1], [2, 2], [1, 1], 1, probe.size())

        def pack_up(w: Tensor, probe: Tensor):
            return torch.mkldnn_reorder_conv2d_weight(w.contiguous().to_mkldnn(), [0, 0], [1, 1], [1, 1], 1, probe.size())

        def down(x: Tensor, w: Tensor, b: Optional[Tensor]):
            y = torch.mkldnn_convolution(x, w, b, [1, 1], [2, 2], [1, 1], 1)
            return y.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)

        def up(x: Tensor, w: Tensor, b: Optional[Tensor]):
            channels = w.size(0) // 4
            y = torch.mkldnn_convolution(torch.constant_pad_nd(x, [1, 1, 1, 1], 0.0), w, b, [0, 0], [1, 1], [1, 1], 1).permute(0, 2, 3, 1)
            n = y.size(0)
            h = y.size(1) - 1
            w2 = y.size(2) - 1
            out = torch.empty([n, h, 2, w2, 2, channels], dtype=y.dtype)
            out[:, :, 0, :, 0, :] = y[:, 0:h, 0:w2, 0:channels]
            out[:, :, 0, :, 1, :] = y[:, 0:h, 1:w2 + 1, channels:2 * channels]
            out[:, :, 1, :, 0, :] = y[:, 1:h + 1, 0:w2, 2 * channels:3 * channels]
            out[:, :, 1, :, 1, :] = y[:, 1:h + 1, 1:w2 + 1, 3 * channels:4 * channels]
            return out.view([n, 2 * h, 2 * w2, channels]).permute(0, 3, 1, 2)
        """;

    // Transposed-convolution taps per output phase, in the order the 2x2 window meets them: an even
    // output row 2i takes input rows i-1 and i through kernel rows 3 and 1, an odd row 2i+1 takes
    // rows i and i+1 through kernel rows 2 and 0.
    private static readonly long[][] PhaseTaps = { new long[] { 3, 1 }, new long[] { 2, 0 } };

    // TorchScript wants the source to end with a newline; the raw literal drops its last one.
    private static readonly Lazy<jit.CompilationUnit> Functions = new(() => jit.compile(Script + "\n"));

    private const long TrimEvery = 64L << 20;
    private readonly List<Tensor> owned = new();
    private readonly List<string> rejections = new();
    private readonly bool keepModuleWeights;
    private readonly bool tryAnyChannelCount;
    private long freedSinceTrim;

    private PrepackedConvolutions(bool keepModuleWeights, bool tryAnyChannelCount)
    {
        this.keepModuleWeights = keepModuleWeights;
        this.tryAnyChannelCount = tryAnyChannelCount;
    }

    /// <summary>Gets how many convolutions run on prepacked weights.</summary>
    public int PackedLayers { get; private set; }

    /// <summary>Gets why eligible layers kept their modules (empty when all were packed).</summary>
    public IReadOnlyList<string> Rejections => rejections;

    /// <summary>
    /// Prepacks the eligible convolutions of a generator on the CPU (FP32, or bfloat16 channels-last): stride-2
    /// convolutions and 4x4 stride-2 transposed ones whose input, at <paramref name="imageSize"/>, is small enough
    /// (<see cref="MaxInput"/>), and routes them through <see cref="ConvolutionOverrides"/>. Each layer is checked
    /// against its module on a random input first; a layer that differs, or that libtorch cannot prepack, keeps its
    /// module. Unless <paramref name="keepModuleWeights"/>, a packed layer's module weight is freed right away, so the
    /// weights never exist twice for more than one layer. Returns <see langword="null"/> (generator untouched) when
    /// nothing was packed.
    /// </summary>
    /// <param name="generator">The generator, prepared for inference.</param>
    /// <param name="imageSize">The side of the images it will see (layers are packed for their input sizes).</param>
    /// <param name="keepModuleWeights">Keep the packed layers' module weights (so <see cref="Remove"/> can restore them).</param>
    /// <param name="tryAnyChannelCount">Also try layers whose channel counts libtorch is known to get wrong (lets tests see the per-layer check reject them).</param>
    public static PrepackedConvolutions? Apply(nn.Module<Tensor, Tensor> generator, int imageSize, bool keepModuleWeights = false, bool tryAnyChannelCount = false)
    {
        var packed = new PrepackedConvolutions(keepModuleWeights, tryAnyChannelCount);
        try
        {
            using var noGrad = torch.no_grad();
            var plan = packed.Plan(generator, imageSize);
            if (packed.PackedLayers == 0)
            {
                packed.Dispose();
                return null;
            }

            plan.ForEach(layer => ConvolutionOverrides.Set(layer.Convolution, layer.Kernel));
            return packed;
        }
        catch
        {
            packed.Dispose();
            throw;
        }
    }

    /// <summary>Routes every convolution back through its module (only possible when they kept their weights).</summary>
    public static void Remove(nn.Module<Tensor, Tensor> generator) => ConvolutionOverrides.Clear(generator);

    private List<(Convolution Convolution, Func<Tensor, Tensor> Kernel)> Plan(nn.Module<Tensor, Tensor> generator, int imageSize)
    {
        Tensor weight = generator.parameters().First();
        var (convolutionMax, transposedMax) = MaxInput(weight.dtype);
        var plan = new List<(Convolution Convolution, Func<Tensor, Tensor> Kernel)>();
        List<(Convolution Convolution, long[] Shape)> inputs;
        using (var scope = NewDisposeScope())
        {
            // A batch of 2: batch-statistics norms (CoupleGenerator's) need more than one value per channel at a 1x1 bottleneck.
            Tensor probe = torch.zeros(2, ConvolutionInputs.InputChannels(generator), imageSize, imageSize, device: weight.device);
            inputs = ConvolutionInputs.Record(generator, weight.dtype == ScalarType.BFloat16 ? BFloat16Inference.ToInput(probe) : probe);
        }

        foreach (var (convolution, shape) in inputs)
        {
            int size = (int)shape[2];
            Func<Tensor, Tensor>? kernel = convolution switch
            {
                Conv2d { stride: [2, 2], kernel_size: [4, 4] } down when size <= convolutionMax && (tryAnyChannelCount || down.weight!.shape[0] % 16 == 0)
                    => Verified(down, down.weight!.shape[1], size, () => Down(down, size)),
                ConvTranspose2d { stride: [2, 2], kernel_size: [4, 4] } up when size <= transposedMax && (tryAnyChannelCount || up.weight!.shape[1] % 4 == 0)
                    => Verified(up, up.weight!.shape[0], size, () => Up(up, size)),
                _ => null,
            };
            if (kernel is not null)
            {
                plan.Add((convolution, kernel));
            }
        }

        return plan;
    }

    /// <summary>Packs one layer and returns the packed function only if it gives the module's output on a random input.</summary>
    private Func<Tensor, Tensor>? Verified(Convolution module, long channels, int inputSize, Func<Func<Tensor, Tensor>> pack)
    {
        int ownedBefore = owned.Count;
        try
        {
            Func<Tensor, Tensor> kernel = pack();
            double difference, scale;
            using (var scope = NewDisposeScope())
            {
                Tensor weight = module.weight!;
                Tensor probe = torch.rand(1, channels, inputSize, inputSize).mul_(Native.Scalars.Of(2)).sub_(Native.Scalars.One);
                if (weight.dtype == ScalarType.BFloat16)
                {
                    probe = BFloat16Inference.ToInput(probe);
                }

                (difference, scale) = KernelCheck.Difference(kernel(probe), module.call(probe));
            }

            if (!(difference <= Tolerance * Math.Max(scale, 1e-6)))
            {
                throw new InvalidOperationException($"{module.GetName()} at {inputSize} px differs from its module by {difference:G3} (largest output {scale:G3})");
            }

            PackedLayers++;
            if (!keepModuleWeights)
            {
                Release(module);
            }

            return kernel;
        }
        catch (Exception ex) when (ex is System.Runtime.InteropServices.ExternalException or InvalidOperationException or ArgumentException)
        {
            // Whatever this layer packed goes; the module computes it as before.
            owned.Skip(ownedBefore).ToList().ForEach(tensor => tensor.Dispose());
            owned.RemoveRange(ownedBefore, owned.Count - ownedBefore);
            rejections.Add(ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Frees a packed layer's own weight, which only the prepacked copy is read from now (otherwise both stay
    /// resident: about 200 MB for unet_256 in FP32). The layer can then no longer go back to its module.
    /// With CoupleGen's malloc tuning freed memory stays in the heap, so every 64 MB freed is returned to the
    /// OS: the FP32 load peak of unet_256 is then 695-722 MB instead of 768-838 MB (612-626 MB when trimming
    /// after every layer, which made loading up to a second slower).
    /// </summary>
    private void Release(Convolution convolution)
    {
        freedSinceTrim += convolution.weight!.numel() * convolution.weight!.ElementSize;
        using (Tensor empty = torch.empty(0, convolution.weight!.dtype, convolution.weight!.device))
        {
            BFloat16Inference.ReplaceWeight(convolution, empty);
        }

        if (freedSinceTrim >= TrimEvery)
        {
            freedSinceTrim = 0;
            _ = Native.CoupleGenRuntime.ReleaseFreedMemory();
        }
    }

    public void Dispose()
    {
        owned.ForEach(tensor => tensor.Dispose());
        owned.Clear();
    }

    private Func<Tensor, Tensor> Down(Conv2d convolution, int inputSize)
    {
        Tensor weights;
        using (Tensor probe = torch.empty(1, convolution.weight!.shape[1], inputSize, inputSize, convolution.weight!.dtype))
        {
            weights = Keep(Functions.Value.invoke<Tensor>("pack_down", convolution.weight!, probe));
        }

        Tensor? bias = convolution.bias is { } b ? Keep(b.detach()) : null;
        return x => Functions.Value.invoke<Tensor>("down", x, weights, bias!);
    }

    private Func<Tensor, Tensor> Up(ConvTranspose2d transposed, int inputSize)
    {
        // PyTorch stores transposed weights [in, out, kH, kW]; each phase is an ordinary [out, in, 2, 2] kernel.
        Tensor source = transposed.weight!;
        Tensor weights;
        using (var scope = NewDisposeScope())
        {
            var phases = new List<Tensor>();
            foreach (long[] rows in PhaseTaps)
            {
                using Tensor rowIndex = torch.tensor(rows);
                foreach (long[] columns in PhaseTaps)
                {
                    using Tensor columnIndex = torch.tensor(columns);
                    phases.Add(source.index_select(2, rowIndex).index_select(3, columnIndex).permute(1, 0, 2, 3));
                }
            }

            Tensor stacked = torch.cat(phases, 0);
            Tensor probe = torch.empty(1, source.shape[0], inputSize + 2, inputSize + 2, source.dtype);
            weights = Functions.Value.invoke<Tensor>("pack_up", stacked, probe).MoveToOuterDisposeScope();
        }

        Keep(weights);
        Tensor? bias = transposed.bias is { } b ? Keep(b.detach().repeat(4)) : null;
        return x => Functions.Value.invoke<Tensor>("up", x, weights, bias!);
    }

    private Tensor Keep(Tensor tensor)
    {
        tensor.DetachFromDisposeScope();
        owned.Add(tensor);
        return tensor;
    }
}
