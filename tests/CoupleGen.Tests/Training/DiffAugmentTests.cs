using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Unit")]
public class DiffAugmentTests
{
    // A pair as the partner recipe's discriminator sees it: input RGB, the sex plane, output RGB.
    private static Tensor Pairs(int batch = 3) => torch.rand(batch, 7, 16, 16).mul_(2).sub_(1);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Fact]
    public void NoPolicyChangesNothing()
    {
        using var scope = NewDisposeScope();
        Tensor pairs = Pairs();
        Assert.True(Same(DiffAugment.Apply(pairs, DiffAugmentPolicy.None), pairs));
    }

    [Fact]
    public void TranslationShiftsEachPairAsAWholeAndFillsWithZeros()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        Tensor pairs = Pairs().abs().add_(0.1);
        Tensor shifted = DiffAugment.Apply(pairs, DiffAugmentPolicy.Translation);
        Assert.Equal(pairs.shape, shifted.shape);
        for (int i = 0; i < 3; i++)
        {
            // Every non-zero pixel of the shifted pair is the original one at a single offset of at most 2 pixels (16 / 8).
            var matches = new List<(long Dy, long Dx)>();
            for (long dy = -2; dy <= 2; dy++)
            {
                for (long dx = -2; dx <= 2; dx++)
                {
                    Tensor rolled = pairs[i].roll(new[] { dy, dx }, new long[] { 1, 2 });
                    Tensor inside = shifted[i].ne(0);
                    if (Same(rolled.masked_select(inside), shifted[i].masked_select(inside)))
                    {
                        matches.Add((dy, dx));
                    }
                }
            }

            Assert.Single(matches);
            var (y, x) = matches[0];
            long zeros = shifted[i][0].eq(0).sum().item<long>();
            Assert.Equal((16 * 16) - ((16 - Math.Abs(y)) * (16 - Math.Abs(x))), zeros);
        }
    }

    [Fact]
    public void CutoutZeroesOneSquareOfHalfTheSideInEveryChannel()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(12);
        Tensor pairs = Pairs().abs().add_(0.1);
        Tensor cut = DiffAugment.Apply(pairs, DiffAugmentPolicy.Cutout);
        for (int i = 0; i < 3; i++)
        {
            Tensor zero = cut[i].eq(0);
            Assert.True(Same(zero.all(0), zero.any(0)), "the same pixels in every channel");
            Tensor rows = zero.any(0).any(1).nonzero();
            Tensor columns = zero.any(0).any(0).nonzero();
            long height = rows.max().item<long>() - rows.min().item<long>() + 1;
            long width = columns.max().item<long>() - columns.min().item<long>() + 1;
            Assert.Equal(height * width, zero[0].sum().item<long>());
            Assert.InRange(height, 4, 8);
            Assert.InRange(width, 4, 8);
            Assert.True(Same(cut[i].masked_select(zero.logical_not()), pairs[i].masked_select(zero.logical_not())));
        }
    }

    [Fact]
    public void ColourChangesBothImagesAlikeAndLeavesTheConditionPlane()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(13);
        Tensor pairs = Pairs();
        pairs[.., 4..7] = pairs[.., 0..3];
        Tensor coloured = DiffAugment.Apply(pairs, DiffAugmentPolicy.Color);
        Assert.True(Same(coloured[.., 3], pairs[.., 3]), "the sex plane is not a colour");
        Assert.True(coloured[.., 0..3].allclose(coloured[.., 4..7]), "one draw for both images of a pair");
        Assert.False(coloured[.., 0..3].allclose(pairs[.., 0..3], rtol: 0, atol: 1e-3));
    }

    [Fact]
    public void GradientsPassThroughEveryTransform()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(14);
        Tensor pairs = Pairs().requires_grad_(true);
        DiffAugment.Apply(pairs, DiffAugmentPolicy.All).square().sum().backward();
        Tensor gradient = pairs.grad!;
        Assert.True(gradient.isfinite().all().item<bool>());
        Assert.True(gradient.ne(0).sum().item<long>() > pairs.numel() / 4, "most pixels get a gradient");
    }

    [Fact]
    public void ATrainerWithDiffAugmentRepeatsWithItsSeedAndDiffersFromOneWithout()
    {
        var dataset = new SyntheticCoupleDataset(4, 32, seed: 2);
        double Run(DiffAugmentPolicy policy)
        {
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions(seed: 5) with { MaxSteps = 2, DiffAugment = policy });
            double total = 0;
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => total += p.Losses.Discriminator + p.Losses.GeneratorGan));
            return total;
        }

        double augmented = Run(DiffAugmentPolicy.All);
        Assert.Equal(augmented, Run(DiffAugmentPolicy.All));
        Assert.NotEqual(augmented, Run(DiffAugmentPolicy.None));
        Assert.Throws<ArgumentOutOfRangeException>(() => (TestData.TinyOptions() with { DiffAugment = (DiffAugmentPolicy)8 }).Validate());
    }
}
