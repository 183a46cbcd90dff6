using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Training;

/// <content>One update: the discriminator step, then the generator step with the recipe's and the shared loss terms.</content>
public sealed partial class Pix2PixTrainer
{
    /// <summary>Runs one paper update on a batch: a discriminator step, then a generator step.</summary>
    /// <param name="input">Condition images [N, 3, H, W] in [-1, 1], on any device.</param>
    /// <param name="target">Target images of the same shape.</param>
    /// <returns>The step's losses.</returns>
    /// <exception cref="ArgumentException">The shapes differ or do not fit the networks.</exception>
    public TrainingStepLosses TrainStep(Tensor input, Tensor target)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException($"Input [{string.Join(", ", input.shape)}] and target [{string.Join(", ", target.shape)}] differ in shape.", nameof(target));
        }

        using var scope = NewDisposeScope();
        using IDisposable kernels = convolutions.Enable();
        Generator.train();
        Discriminator.train();
        Tensor realA = input.to(Device);
        Tensor realB = target.to(Device);
        Tensor conditionedA = objective.Condition(realA, realB);

        // In mixed precision the networks see bfloat16 channels-last images; losses are computed in FP32.
        Tensor networkA = convolutions.ToInput(conditionedA);
        Tensor networkB = convolutions.ToInput(realB);
        Tensor networkFakeB = Generator.call(networkA);
        Tensor fakeB = networkFakeB.to(ScalarType.Float32);

        SetRequiresGrad(Discriminator, true);
        discriminatorOptimizer.ZeroGrad();
        Tensor fakeAB = torch.cat(new[] { networkA, networkFakeB }, 1);
        Tensor realAB = torch.cat(new[] { networkA, networkB }, 1);
        Tensor predictFake = Judge(fakeAB.detach());
        Tensor predictReal = Judge(realAB);
        Tensor lossD = objective.DiscriminatorLoss(predictFake, predictReal);
        lossD.backward();
        discriminatorOptimizer.Step();
        objective.AfterDiscriminatorStep(Discriminator);

        SetRequiresGrad(Discriminator, false);
        generatorOptimizer.ZeroGrad();
        Tensor predictFakeForG = Judge(fakeAB);
        Tensor lossGGan = objective.GeneratorAdversarialLoss(predictFakeForG);
        Tensor lossGL1 = nn.functional.l1_loss(fakeB, realB);
        Tensor lossG = lossGGan.mul(Scalars.Of(Options.GanWeight)).Plus(lossGL1.mul(Scalars.Of(Options.L1Weight)));
        if (Options.FeatureMatchingWeight > 0)
        {
            lossG = lossG.Plus(FeatureMatching(fakeAB, realAB).mul(Scalars.Of(Options.FeatureMatchingWeight)));
        }

        if (Options.TotalVariationWeight > 0)
        {
            lossG = lossG.Plus(TotalVariation(fakeB).mul(Scalars.Of(Options.TotalVariationWeight)));
        }

        Tensor? lossGPerceptual = PerceptualLoss?.Compute(fakeB, realB);
        if (lossGPerceptual is not null)
        {
            lossG = lossG.Plus(lossGPerceptual.mul(Scalars.Of(Options.PerceptualWeight)));
        }

        if (objective.OwnGeneratorLoss(fakeB, realB, conditionedA) is { } own)
        {
            lossG = lossG.Plus(own);
        }

        lossG.backward();
        generatorOptimizer.Step();
        SetRequiresGrad(Discriminator, true);

        return new TrainingStepLosses(lossD.item<float>(), lossGGan.item<float>(), lossGL1.item<float>(), lossGPerceptual?.item<float>() ?? 0);
    }

    /// <summary>The discriminator's FP32 verdict on a batch of pairs, seen through <see cref="Pix2PixOptions.DiffAugment"/>.</summary>
    private Tensor Judge(Tensor pairs) => Discriminator.call(DiffAugment.Apply(pairs, Options.DiffAugment)).to(ScalarType.Float32);

    /// <summary>
    /// pix2pixHD's feature matching of generated against real pairs, on the pairs as they are: DiffAugment draws its
    /// transforms independently per call, and features of differently shifted or cut pairs cannot be compared.
    /// </summary>
    private Tensor FeatureMatching(Tensor fakePairs, Tensor realPairs)
    {
        var discriminator = (Models.PatchDiscriminator)Discriminator;
        IReadOnlyList<Tensor> real;
        using (torch.no_grad())
        {
            real = discriminator.Features(realPairs);
        }

        return Losses.FeatureMatchingLoss.Compute(discriminator.Features(fakePairs), real);
    }

    /// <summary>The original CoupleGenerator's total variation: (Σdy² + Σdx²) / √2 over the batch.</summary>
    internal static Tensor TotalVariation(Tensor images)
    {
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        Tensor dy = images[.., .., 1..(int)h, ..].sub(images[.., .., ..(int)(h - 1), ..]);
        Tensor dx = images[.., .., .., 1..(int)w].sub(images[.., .., .., ..(int)(w - 1)]);
        return dy.square().sum().Plus(dx.square().sum()).div(Scalars.Of(Math.Sqrt(2))).MoveToOuterDisposeScope();
    }
}
