using System;
using CoupleGen.Faces;
using CoupleGen.Models;
using CoupleGen.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Training.Objectives;

/// <summary>
/// CoupleGen's own recipe for believable partners: pix2pix's networks and update with the partner's sex
/// as an input plane (<see cref="PartnerSexPlane"/>), and two face terms judged by pretrained face
/// networks that stay frozen: a sex cross-entropy that makes the output the asked-for sex
/// (<see cref="Pix2PixOptions.SexLossWeight"/>), and an identity loss, 1 - cosine of the identity
/// embeddings of output and real partner (<see cref="Pix2PixOptions.IdentityLossWeight"/>). The sex a
/// training pair asks for is the real partner's, as <see cref="FaceAttributeEstimator"/> judges it, so any
/// folder of couples trains it without labels.
/// </summary>
internal sealed class PartnerObjective : Pix2PixObjective
{
    private readonly FaceAttributeEstimator estimator;
    private readonly FaceEmbedder embedder;

    public PartnerObjective(Pix2PixOptions options, Device device)
        : base(options)
    {
        // The face networks load on the CPU and move to the device themselves.
        estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = device });
        try
        {
            embedder = new FaceEmbedder(new FaceAnalysisOptions { Device = device });
        }
        catch
        {
            estimator.Dispose();
            throw;
        }
    }

    public override Tensor Condition(Tensor images, Tensor? partners)
    {
        using var scope = NewDisposeScope();
        Tensor partnerIsMale;
        using (torch.no_grad())
        {
            partnerIsMale = partners is null
                ? PartnerSexPlane.OppositeOf(estimator.Forward(images).MaleLogit)
                : PartnerSexPlane.SexOf(estimator.Forward(partners).MaleLogit);
        }

        return PartnerSexPlane.Append(images, partnerIsMale).MoveToOuterDisposeScope();
    }

    public override Tensor? OwnGeneratorLoss(Tensor fake, Tensor real, Tensor conditioned)
    {
        using var scope = NewDisposeScope();
        Tensor total = torch.zeros(Array.Empty<long>(), device: fake.device);
        fake = AsJudged(fake);
        real = AsJudged(real);
        if (Options.SexLossWeight > 0)
        {
            Tensor sex = nn.functional.binary_cross_entropy_with_logits(estimator.Forward(fake).MaleLogit, PartnerSexPlane.Read(conditioned));
            total = total.Plus(sex.mul(Scalars.Of(Options.SexLossWeight)));
        }

        if (Options.IdentityLossWeight > 0)
        {
            Tensor target;
            using (torch.no_grad())
            {
                target = embedder.Forward(real);
            }

            Tensor identity = nn.functional.cosine_similarity(embedder.Forward(fake), target, dim: 1).neg().add(Scalars.One, Scalars.One).mean();
            total = total.Plus(identity.mul(Scalars.Of(Options.IdentityLossWeight)));
        }

        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The images the face networks judge, at half resolution: a frozen classifier's gradient alone drives an
    /// image toward pixel-level adversarial texture (a checkerboard that fools the network), and averaging
    /// 2x2 blocks gives each block one gradient, so only texture a person would also see can lower the loss.
    /// </summary>
    private static Tensor AsJudged(Tensor images) =>
        images.shape[2] / 2 >= FaceNetworkInput.MinimumSide ? nn.functional.avg_pool2d(images, 2) : images.alias();

    public override void Dispose()
    {
        estimator.Dispose();
        embedder.Dispose();
        base.Dispose();
    }
}
