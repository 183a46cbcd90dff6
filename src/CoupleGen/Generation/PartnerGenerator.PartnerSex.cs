using System;
using CoupleGen.Faces;
using CoupleGen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Generation;

/// <summary>The partner-sex control of <see cref="Training.TrainingRecipe.Partner"/> models.</summary>
public sealed partial class PartnerGenerator
{
    /// <summary>[N]: 1 where the partner of an image should be male, as <see cref="PartnerGeneratorOptions.PartnerSex"/> asks.</summary>
    private Tensor PartnerIsMale(Tensor batch) => options.PartnerSex switch
    {
        PartnerSex.Male => torch.ones(batch.shape[0], device: batch.device),
        PartnerSex.Female => torch.zeros(batch.shape[0], device: batch.device),
        _ => PartnerSexPlane.OppositeOf(sexEstimator!.Forward(batch).MaleLogit),
    };

    /// <summary>
    /// The estimator behind <see cref="PartnerSex.Auto"/> for a sex-controlled model; null for other models,
    /// which take only Auto, and for an explicit sex. Made here, never inside a call's dispose scope, which
    /// would free its weights.
    /// </summary>
    private FaceAttributeEstimator? SexControl(bool sexControlled, string source)
    {
        RequireSexControl(options, sexControlled, source);
        return sexControlled && options.PartnerSex == PartnerSex.Auto ? new FaceAttributeEstimator(new FaceAnalysisOptions { Device = device }) : null;
    }

    /// <summary>Whether <paramref name="generator"/> takes the partner-sex plane: a U-Net with RGB and the plane as input (the Partner recipe's).</summary>
    private static bool TakesPartnerSex(nn.Module<Tensor, Tensor> generator) =>
        generator is UnetGenerator { Options.InputChannels: PartnerSexPlane.GeneratorInputChannels };

    private static void RequireSexControl(PartnerGeneratorOptions options, bool sexControlled, string source)
    {
        if (!sexControlled && options.PartnerSex != PartnerSex.Auto)
        {
            throw new ArgumentException($"PartnerSex is {options.PartnerSex}, but {source} has no partner-sex control: only models of the Partner recipe take it (train --recipe partner). Use PartnerSex.Auto.", nameof(options));
        }
    }
}
