using System.Collections.Generic;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Native;
using CoupleGen.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Training.Objectives;

/// <summary>The original CoupleGenerator's objective: WGAN (D = mean(fake) - mean(real), G = -mean(fake)) with weight clipping, TensorFlow's RMSProp.</summary>
internal sealed class CoupleGeneratorObjective : TrainingObjective
{
    public CoupleGeneratorObjective(Pix2PixOptions options)
        : base(options)
    {
    }

    public override nn.Module<Tensor, Tensor> CreateDiscriminator() =>
        new CoupleGeneratorDiscriminator(Options.Discriminator.Filters, Options.CoupleGeneratorNetwork.InputChannels + Options.CoupleGeneratorNetwork.OutputChannels);

    public override IStepOptimizer CreateOptimizer(IEnumerable<Parameter> parameters) =>
        new TensorFlowRmsProp(parameters, Options.LearningRate, Options.RmsPropDecay, Options.RmsPropEpsilon);

    public override Tensor DiscriminatorLoss(Tensor predictFake, Tensor predictReal) => predictFake.mean().sub(predictReal.mean());

    public override void AfterDiscriminatorStep(nn.Module discriminator)
    {
        using var noGrad = torch.no_grad();
        foreach (var parameter in discriminator.parameters())
        {
            parameter.clamp_(Scalars.Of(-Options.WeightClip), Scalars.Of(Options.WeightClip));
        }
    }

    public override Tensor GeneratorAdversarialLoss(Tensor predictFake) => predictFake.mean().neg();
}
