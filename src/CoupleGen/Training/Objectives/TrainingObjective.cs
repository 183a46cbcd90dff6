using System;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Training.Optimizers;
using TorchSharp;
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

    /// <summary>Returns the objective of <paramref name="options"/>' recipe.</summary>
    public static TrainingObjective For(Pix2PixOptions options) => options.Recipe switch
    {
        TrainingRecipe.Pix2Pix => new Pix2PixObjective(options),
        TrainingRecipe.CoupleGenerator => new CoupleGeneratorObjective(options),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Recipe, "Unknown recipe."),
    };

    /// <summary>Builds the recipe's generator, freshly initialised on the CPU.</summary>
    public static nn.Module<Tensor, Tensor> CreateGenerator(Pix2PixOptions options) =>
        options.Recipe == TrainingRecipe.CoupleGenerator ? new CoupleGeneratorUnet(options.CoupleGeneratorNetwork) : new UnetGenerator(options.Generator);

    /// <summary>Builds the recipe's discriminator, freshly initialised on the CPU.</summary>
    public abstract nn.Module<Tensor, Tensor> CreateDiscriminator();

    /// <summary>Creates the recipe's optimizer for <paramref name="parameters"/>.</summary>
    public abstract IStepOptimizer CreateOptimizer(System.Collections.Generic.IEnumerable<TorchSharp.Modules.Parameter> parameters);

    /// <summary>Moves what the objective computes with (e.g. face networks) to <paramref name="device"/>.</summary>
    public virtual void MoveTo(Device device)
    {
    }

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
