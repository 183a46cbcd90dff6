using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Kernels;

/// <summary>What each convolution of a network sees: the shapes a kernel is chosen and checked for.</summary>
internal static class ConvolutionInputs
{
    /// <summary>
    /// Runs <paramref name="network"/> once on <paramref name="input"/>, without autograd and in evaluation mode (batch
    /// norm then needs no batch statistics, so a batch of 1 reaching 1x1 is fine), with every convolution replaced by
    /// zeros of its output's shape (nearly free), and returns each convolution's input shape in the order they ran. Every module's mode and the random state are restored afterwards.
    /// </summary>
    /// <exception cref="NotSupportedException">A convolution of the network did not run through <see cref="ConvolutionOverrides"/>.</exception>
    public static List<(Convolution Convolution, long[] Shape)> Record(nn.Module<Tensor, Tensor> network, Tensor input)
    {
        var convolutions = network.modules().OfType<Convolution>().ToList();
        var shapes = new List<(Convolution Convolution, long[] Shape)>();
        var modes = network.modules().Select(module => (Module: module, Training: module.training)).ToList();
        using Tensor randomState = torch.get_rng_state();
        try
        {
            foreach (var convolution in convolutions)
            {
                // Only shapes are wanted: zeros of the output's shape stand in for the convolution's arithmetic.
                ConvolutionOverrides.Set(convolution, x =>
                {
                    shapes.Add((convolution, x.shape));
                    return torch.zeros(new[] { x.shape[0], convolution.out_channels, OutputSize(convolution, x.shape[2], 0), OutputSize(convolution, x.shape[3], 1) }, x.dtype, x.device);
                });
            }

            network.eval();
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            network.call(input);
        }
        finally
        {
            convolutions.ForEach(convolution => ConvolutionOverrides.Set(convolution, null));
            modes.ForEach(mode => mode.Module.train(mode.Training));
            torch.set_rng_state(randomState);
        }

        var missed = convolutions.Except(shapes.Select(shape => shape.Convolution)).ToList();
        if (missed.Count > 0)
        {
            throw new NotSupportedException($"{network.GetType().Name} computes {missed.Count} of its {convolutions.Count} convolutions outside ConvolutionOverrides, so their kernels cannot be replaced.");
        }

        return shapes;
    }

    /// <summary>The output side along <paramref name="axis"/> (0 height, 1 width) of <paramref name="convolution"/>, plain or transposed, for an input side.</summary>
    public static long OutputSize(Convolution convolution, long inputSize, int axis)
    {
        long padding = convolution.padding?[axis] ?? 0;
        long span = convolution.dilation[axis] * (convolution.kernel_size[axis] - 1);
        return convolution is ConvTranspose2d
            ? ((inputSize - 1) * convolution.stride[axis]) - (2 * padding) + span + 1 + convolution.output_padding[axis]
            : ((inputSize + (2 * padding) - span - 1) / convolution.stride[axis]) + 1;
    }

    /// <summary>The channels a network's first convolution takes (depth first, in registration order): its input's.</summary>
    public static long InputChannels(nn.Module network) =>
        FirstConvolution(network)?.in_channels
        ?? throw new NotSupportedException($"{network.GetType().Name} has no convolution.");

    // modules() lists a module's children before their descendants, so a decoder's last layer (a direct child)
    // would come before the encoder's first one.
    private static Convolution? FirstConvolution(nn.Module module) =>
        module as Convolution ?? module.children().Select(FirstConvolution).FirstOrDefault(convolution => convolution is not null);
}
