using System;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Losses;

/// <summary>pix2pix's <c>GANLoss</c>: the loss of discriminator outputs against an all-real (1) or all-fake (0) target.</summary>
public static class GanLoss
{
    /// <summary>Computes the mean loss of <paramref name="prediction"/> for the wanted label.</summary>
    /// <param name="prediction">Discriminator outputs (logits for <see cref="GanMode.Vanilla"/>).</param>
    /// <param name="targetIsReal">Whether the target label is real (1) or fake (0).</param>
    /// <param name="mode">The objective.</param>
    /// <returns>A scalar tensor.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is unknown.</exception>
    public static Tensor Compute(Tensor prediction, bool targetIsReal, GanMode mode)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        using var scope = NewDisposeScope();
        Tensor target = targetIsReal ? torch.ones_like(prediction) : torch.zeros_like(prediction);
        Tensor loss = mode switch
        {
            GanMode.Vanilla => nn.functional.binary_cross_entropy_with_logits(prediction, target),
            GanMode.LeastSquares => nn.functional.mse_loss(prediction, target),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown GAN mode."),
        };
        return loss.MoveToOuterDisposeScope();
    }
}
