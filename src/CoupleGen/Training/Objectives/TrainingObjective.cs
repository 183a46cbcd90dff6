using System;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Models.ResNetUnet;
using CoupleGen.Training.Optimizers;
using static TorchSharp.torch;

namespace CoupleGen.Training.Objectives;

/// <summary>
/// What makes one <see cref="TrainingRecipe"/> itself: its networks, its update rule and its adversarial
/// losses, plus any terms of its own. <see cref="Pix2PixTrainer"/> runs every recipe through this seam
/// with one loop; the reconstruction terms the options weigh (L1, total variation, perceptual) are shared.
/// </summary>
internal abstract class TrainingObjective : IDisposable
{
    protected TrainingObjective(Pix2PixOptions options) => Options = options;

    protected Pix2PixOptions Options { get; }

    /// <summary>Returns the objective of <paramref name="options"/>' recipe, computing on <paramref name="device"/>.</summary>
    public static TrainingObjective For(Pix2PixOptions options, Device device) => options.Recipe switch
    {
        TrainingRecipe.Pix2Pix => new Pix2PixObjective(options),
        TrainingRecipe.CoupleGenerator => new CoupleGeneratorObjective(options),
        TrainingRecipe.Partner => new PartnerObjective(options, device),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Recipe, "Unknown recipe."),
    };

    /// <summary>Builds the recipe's generator, freshly initialised on the CPU.</summary>
    public static nn.Module<Tensor, Tensor> CreateGenerator(Pix2PixOptions options) => options switch
    {
        { Recipe: TrainingRecipe.CoupleGenerator } => new CoupleGeneratorUnet(options.CoupleGeneratorNetwork),
        { ResNetUnet: { } resNetUnet } => new ResNetUnetGenerator(resNetUnet),
        _ => new UnetGenerator(options.Generator),
    };

    /// <summary>Builds the recipe's discriminator, freshly initialised on the CPU.</summary>
    public abstract nn.Module<Tensor, Tensor> CreateDiscriminator();

    /// <summary>Creates the recipe's optimizer for <paramref name="parameters"/>.</summary>
    public abstract IStepOptimizer CreateOptimizer(System.Collections.Generic.IEnumerable<TorchSharp.Modules.Parameter> parameters);

    /// <summary>
    /// The generator's input for <paramref name="images"/>: the images themselves, or with a condition
    /// (<see cref="PartnerObjective"/> appends the partner's sex, taken from <paramref name="partners"/> in
    /// training and the other sex of each input without them).
    /// </summary>
    /// <param name="images">[N, 3, H, W] inputs, FP32.</param>
    /// <param name="partners">The real partners of a training batch, or <see langword="null"/>.</param>
    /// <returns>A new tensor the caller's scope owns.</returns>
    public virtual Tensor Condition(Tensor images, Tensor? partners) => images.alias();

    /// <summary>The recipe's own terms of the generator's loss, already weighted, or <see langword="null"/> for none.</summary>
    /// <param name="fake">The generated batch, FP32; gradients flow back into it.</param>
    /// <param name="real">The real partners, FP32.</param>
    /// <param name="conditioned">What <see cref="Condition"/> gave the generator.</param>
    /// <returns>A scalar tensor, or <see langword="null"/>.</returns>
    public virtual Tensor? OwnGeneratorLoss(Tensor fake, Tensor real, Tensor conditioned) => null;

    /// <summary>The discriminator's loss on its outputs for fake and real pairs (FP32).</summary>
    public abstract Tensor DiscriminatorLoss(Tensor predictFake, Tensor predictReal);

    /// <summary>Runs after each discriminator update (e.g. weight clipping).</summary>
    public virtual void AfterDiscriminatorStep(nn.Module discriminator)
    {
    }

    /// <summary>The generator's adversarial loss on the discriminator's output for its fakes (FP32).</summary>
    public abstract Tensor GeneratorAdversarialLoss(Tensor predictFake);

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }
}
