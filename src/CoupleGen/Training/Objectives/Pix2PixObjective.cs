using System.Collections.Generic;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Native;
using CoupleGen.Training.Optimizers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Training.Objectives;

/// <summary>The pix2pix paper's objective: PatchGAN, Adam, D = 0.5 (GAN(fake, 0) + GAN(real, 1)), G's adversarial term GAN(fake, 1).</summary>
internal class Pix2PixObjective : TrainingObjective
{
    public Pix2PixObjective(Pix2PixOptions options)
        : base(options)
    {
    }

    public override nn.Module<Tensor, Tensor> CreateDiscriminator() => new PatchDiscriminator(Options.Discriminator);

    public override IStepOptimizer CreateOptimizer(IEnumerable<Parameter> parameters) =>
        new AdamOptimizer(parameters, Options.LearningRate, Options.Beta1, Options.Beta2);

    public override Tensor DiscriminatorLoss(Tensor predictFake, Tensor predictReal) =>
        GanLoss.Compute(predictFake, targetIsReal: false, Options.GanMode).Plus(GanLoss.Compute(predictReal, targetIsReal: true, Options.GanMode)).mul(Scalars.Half);

    public override Tensor GeneratorAdversarialLoss(Tensor predictFake) => GanLoss.Compute(predictFake, targetIsReal: true, Options.GanMode);
}
