using System.Collections.Generic;
using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <summary>
/// DiffAugment's transforms (<see cref="DiffAugmentPolicy"/>) on the discriminator's input: a batch of pairs
/// [N, C, H, W], the condition's channels first and the image's three last. Every transform is built from
/// differentiable operations, so the generator's gradient passes through it. Random numbers come from
/// libtorch's seeded generator, so a seeded run repeats.
/// </summary>
internal static class DiffAugment
{
    private const double TranslationRatio = 0.125;
    private const double CutoutRatio = 0.5;
    private const long ImageChannels = 3;

    /// <summary>Returns <paramref name="pairs"/> transformed by <paramref name="policy"/> (a new tensor the caller's scope owns).</summary>
    public static Tensor Apply(Tensor pairs, DiffAugmentPolicy policy)
    {
        if (policy == DiffAugmentPolicy.None)
        {
            return pairs.alias();
        }

        using var scope = NewDisposeScope();
        Tensor x = pairs;
        if (policy.HasFlag(DiffAugmentPolicy.Color))
        {
            x = Color(x);
        }

        if (policy.HasFlag(DiffAugmentPolicy.Translation))
        {
            x = Translate(x);
        }

        if (policy.HasFlag(DiffAugmentPolicy.Cutout))
        {
            x = Cutout(x);
        }

        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Brightness, saturation and contrast on the first three and the last three channels, with one draw per pair.</summary>
    private static Tensor Color(Tensor x)
    {
        long channels = x.shape[1];
        if (channels < 2 * ImageChannels)
        {
            return Color(x, Draw(x));
        }

        var factors = Draw(x);
        var parts = new List<Tensor> { Color(x.narrow(1, 0, ImageChannels), factors) };
        if (channels > 2 * ImageChannels)
        {
            parts.Add(x.narrow(1, ImageChannels, channels - (2 * ImageChannels)));
        }

        parts.Add(Color(x.narrow(1, channels - ImageChannels, ImageChannels), factors));
        return torch.cat(parts, 1);
    }

    private static (Tensor Brightness, Tensor Saturation, Tensor Contrast) Draw(Tensor x)
    {
        long n = x.shape[0];
        Tensor Uniform() => torch.rand(new[] { n, 1L, 1L, 1L }, device: x.device).to(x.dtype);
        return (Uniform().sub(Scalars.Half), Uniform().mul(Scalars.Of(2)), Uniform().add(Scalars.Half));
    }

    private static Tensor Color(Tensor image, (Tensor Brightness, Tensor Saturation, Tensor Contrast) factors)
    {
        Tensor x = image.Plus(factors.Brightness);
        Tensor channelMean = x.mean(new long[] { 1 }, keepdim: true);
        x = x.sub(channelMean).mul(factors.Saturation).Plus(channelMean);
        Tensor imageMean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        return x.sub(imageMean).mul(factors.Contrast).Plus(imageMean);
    }

    /// <summary>Shifts each pair by its own offset of up to 1/8 of the side (zeros come in at the edges).</summary>
    private static Tensor Translate(Tensor x)
    {
        long height = x.shape[2], width = x.shape[3];
        long shiftY = (long)((height * TranslationRatio) + 0.5), shiftX = (long)((width * TranslationRatio) + 0.5);
        Tensor padded = nn.functional.pad(x, new[] { shiftX, shiftX, shiftY, shiftY });
        Tensor dy = torch.randint(-shiftY, shiftY + 1, new[] { x.shape[0] });
        Tensor dx = torch.randint(-shiftX, shiftX + 1, new[] { x.shape[0] });
        var shifted = new List<Tensor>();
        for (long i = 0; i < x.shape[0]; i++)
        {
            // Reading window [shift - d, shift - d + side) moves the content by d.
            long top = shiftY - dy[i].item<long>(), left = shiftX - dx[i].item<long>();
            shifted.Add(padded.narrow(0, i, 1).narrow(2, top, height).narrow(3, left, width));
        }

        return torch.cat(shifted, 0);
    }

    /// <summary>Sets one square of half the side to zero in each pair, at its own place (it may reach over an edge).</summary>
    private static Tensor Cutout(Tensor x)
    {
        long height = x.shape[2], width = x.shape[3];
        long cutHeight = (long)((height * CutoutRatio) + 0.5), cutWidth = (long)((width * CutoutRatio) + 0.5);
        Tensor centreY = torch.randint(0, height + (1 - (cutHeight % 2)), new[] { x.shape[0] });
        Tensor centreX = torch.randint(0, width + (1 - (cutWidth % 2)), new[] { x.shape[0] });
        Tensor mask = torch.ones(new[] { x.shape[0], 1L, height, width }, x.dtype, x.device);
        for (long i = 0; i < x.shape[0]; i++)
        {
            long top = System.Math.Clamp(centreY[i].item<long>() - (cutHeight / 2), 0, height);
            long bottom = System.Math.Clamp(centreY[i].item<long>() + (cutHeight / 2), 0, height);
            long left = System.Math.Clamp(centreX[i].item<long>() - (cutWidth / 2), 0, width);
            long right = System.Math.Clamp(centreX[i].item<long>() + (cutWidth / 2), 0, width);
            if (bottom > top && right > left)
            {
                mask.narrow(0, i, 1).narrow(2, top, bottom - top).narrow(3, left, right - left).fill_(Scalars.Zero);
            }
        }

        return x.mul(mask);
    }
}
