using System;
using CoupleGen.Faces;
using CoupleGen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Generation;

/// <summary>The partner-sex control of <see cref="Training.TrainingRecipe.Partner"/> models.</summary>
public sealed partial class PartnerGenerator
{
    /// <summary>
    /// Generates the partner for an encoded photo, as <see cref="GeneratePortrait(System.IO.Stream)"/> does, asking for
    /// <paramref name="partnerSex"/> instead of <see cref="PartnerGeneratorOptions.PartnerSex"/>: one generator serves
    /// requests for either sex (e.g. a web form's choice).
    /// </summary>
    /// <param name="input">The encoded photo.</param>
    /// <param name="partnerSex">The partner's sex; <see cref="PartnerSex.Auto"/> for the other sex of the face.</param>
    /// <returns>The framed input, the partner and the face; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">An explicit sex was asked of a model without sex control (<see cref="HasSexControl"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partnerSex"/> is undefined.</exception>
    /// <exception cref="Errors.InvalidImageException">The stream holds no readable image, or one larger than <see cref="PartnerGeneratorOptions.MaxInputPixels"/>.</exception>
    /// <exception cref="Errors.NoFaceFoundException">The photo holds no face.</exception>
    public PortraitResult GeneratePortrait(System.IO.Stream input, PartnerSex partnerSex)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!Enum.IsDefined(partnerSex))
        {
            throw new ArgumentOutOfRangeException(nameof(partnerSex), partnerSex, "Use Auto, Female or Male.");
        }

        RequireSexControl(partnerSex, HasSexControl, "this model", nameof(partnerSex));
        using SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24> photo = LoadStream(input);
        return GeneratePortrait(photo, "stream", partnerSex);
    }

    /// <summary>[N]: 1 where the partner of an image should be male, as <paramref name="partnerSex"/> asks.</summary>
    private Tensor PartnerIsMale(Tensor batch, PartnerSex partnerSex) => partnerSex switch
    {
        PartnerSex.Male => torch.ones(batch.shape[0], device: batch.device),
        PartnerSex.Female => torch.zeros(batch.shape[0], device: batch.device),
        _ => PartnerSexPlane.OppositeOf(sexEstimator!.Forward(batch).MaleLogit),
    };

    /// <summary>
    /// The estimator behind <see cref="PartnerSex.Auto"/> for a sex-controlled model (any call may ask for Auto); null
    /// for other models, which take only Auto. Made here, never inside a call's dispose scope, which would free its weights.
    /// </summary>
    private FaceAttributeEstimator? SexControl(bool sexControlled, string source)
    {
        RequireSexControl(options.PartnerSex, sexControlled, source, nameof(options));
        return sexControlled ? new FaceAttributeEstimator(new FaceAnalysisOptions { Device = device }) : null;
    }

    /// <summary>Whether <paramref name="generator"/> takes the partner-sex plane: a U-Net with RGB and the plane as input (the Partner recipe's).</summary>
    private static bool TakesPartnerSex(nn.Module<Tensor, Tensor> generator) =>
        generator is UnetGenerator { Options.InputChannels: PartnerSexPlane.GeneratorInputChannels }
            or Models.ResNetUnet.ResNetUnetGenerator { Options.InputChannels: PartnerSexPlane.GeneratorInputChannels };

    private static void RequireSexControl(PartnerSex partnerSex, bool sexControlled, string source, string parameter)
    {
        if (!sexControlled && partnerSex != PartnerSex.Auto)
        {
            throw new ArgumentException($"PartnerSex is {partnerSex}, but {source} has no partner-sex control: only models of the Partner recipe take it (train --recipe partner). Use PartnerSex.Auto.", parameter);
        }
    }
}
