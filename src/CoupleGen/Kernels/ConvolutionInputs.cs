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
    /// norm then needs no batch statistics, so a batch of 1 reaching 1x1 is fine), and returns each convolution's input
    /// shape in the order they ran. Every module's mode and the random state are restored afterwards.
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
                ConvolutionOverrides.Set(convolution, x =>
                {
                    shapes.Add((convolution, x.shape));
                    return convolution.call(x);
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

    /// <summary>The channels a network's first convolution takes: its input's.</summary>
    public static long InputChannels(nn.Module network) =>
        network.modules().OfType<Convolution>().FirstOrDefault()?.in_channels
        ?? throw new NotSupportedException($"{network.GetType().Name} has no convolution.");
}
