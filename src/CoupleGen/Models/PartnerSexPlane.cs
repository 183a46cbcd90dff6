using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// The partner-sex condition of a sex-controlled generator: one constant input plane after the RGB
/// channels, +1 where a male partner is asked for and -1 for a female one. The discriminator sees it
/// too (it is part of the condition image), so it can tell a fake of the wrong sex from a real pair.
/// </summary>
internal static class PartnerSexPlane
{
    /// <summary>The input channels of a sex-controlled generator: RGB and the plane.</summary>
    public const int GeneratorInputChannels = 4;

    /// <summary>Appends the plane to <paramref name="images"/>.</summary>
    /// <param name="images">[N, 3, H, W].</param>
    /// <param name="partnerIsMale">[N]: 1 where the partner should be male, 0 where female, in the images' type and on their device.</param>
    /// <returns>[N, 4, H, W].</returns>
    public static Tensor Append(Tensor images, Tensor partnerIsMale)
    {
        using var scope = NewDisposeScope();
        Tensor sign = partnerIsMale.to(images.dtype).mul(Scalars.Of(2)).sub(Scalars.One);
        Tensor plane = sign.view(-1, 1, 1, 1).expand(images.shape[0], 1, images.shape[2], images.shape[3]);
        return torch.cat(new[] { images, plane }, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Reads back which partners a conditioned batch asks for: [N], 1 for male, 0 for female, FP32.</summary>
    public static Tensor Read(Tensor conditioned)
    {
        using var scope = NewDisposeScope();
        return conditioned.select(1, GeneratorInputChannels - 1)[.., 0, 0].gt(Scalars.Zero).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The other sex of faces judged by their male log-odds: [N], 1 (male partner) where a face is judged female.</summary>
    public static Tensor OppositeOf(Tensor maleLogit)
    {
        using var scope = NewDisposeScope();
        return maleLogit.lt(Scalars.Zero).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>The sex a face is judged to be: [N], 1 where it is judged male.</summary>
    public static Tensor SexOf(Tensor maleLogit)
    {
        using var scope = NewDisposeScope();
        return maleLogit.ge(Scalars.Zero).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }
}
