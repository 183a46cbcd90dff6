using System;
using System.Collections.Generic;
using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Losses;

/// <summary>
/// pix2pixHD's discriminator feature-matching loss (Wang et al. 2018, eq. 4): the mean absolute difference between
/// the discriminator's hidden features of a generated pair and of the real pair with the same condition, averaged
/// over the layers. It asks the generator for the textures and edges the discriminator has learned to see, which a
/// pixel loss averages away.
/// </summary>
public static class FeatureMatchingLoss
{
    /// <summary>Computes the loss of <paramref name="fake"/>'s features against <paramref name="real"/>'s.</summary>
    /// <param name="fake">The discriminator's hidden features of the generated pairs; gradients flow back through them.</param>
    /// <param name="real">The same layers' features of the real pairs, taken without gradients.</param>
    /// <returns>A scalar FP32 tensor.</returns>
    /// <exception cref="ArgumentException">The lists are empty, differ in length, or a pair of features differs in shape.</exception>
    public static Tensor Compute(IReadOnlyList<Tensor> fake, IReadOnlyList<Tensor> real)
    {
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(real);
        if (fake.Count == 0 || fake.Count != real.Count)
        {
            throw new ArgumentException($"Expected the same number of feature maps, at least one; got {fake.Count} generated and {real.Count} real.", nameof(real));
        }

        using var scope = NewDisposeScope();
        Tensor total = torch.zeros(Array.Empty<long>(), device: fake[0].device);
        for (int i = 0; i < fake.Count; i++)
        {
            if (!fake[i].shape.AsSpan().SequenceEqual(real[i].shape))
            {
                throw new ArgumentException($"Feature map {i} is [{string.Join(", ", fake[i].shape)}] generated but [{string.Join(", ", real[i].shape)}] real.", nameof(real));
            }

            total = total.Plus(nn.functional.l1_loss(fake[i].to(ScalarType.Float32), real[i].detach().to(ScalarType.Float32)));
        }

        return total.div(Scalars.Of(fake.Count)).MoveToOuterDisposeScope();
    }
}
