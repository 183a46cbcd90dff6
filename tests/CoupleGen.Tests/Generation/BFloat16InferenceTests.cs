using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Precision;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Generation;

[Trait("Category", "Unit")]
public class BFloat16InferenceTests
{
    [Fact]
    public void ToInputGivesADenseChannelsLastBatchWhateverTheBatchStride()
    {
        using var scope = NewDisposeScope();
        using var pair = new SyntheticCoupleDataset(1, 32, seed: 2).GetPair(0);

        // unsqueeze(0) of a channels-last image view: batch stride 3, which libtorch reads as NCHW.
        Tensor unsqueezed = ImageTensor.ToTensor(pair.A).unsqueeze(0);
        Assert.Equal(3, unsqueezed.stride(0));
        Tensor batched = ImageTensor.ToBatch(new[] { pair.A });

        foreach (Tensor batch in new[] { unsqueezed, batched, randn(2, 5, 7, 3) })
        {
            Tensor input = BFloat16Inference.ToInput(batch);
            Assert.Equal(ScalarType.BFloat16, input.dtype);
            Assert.Equal(batch.shape, input.shape);
            Assert.Equal(new[] { batch.shape[1] * batch.shape[2] * batch.shape[3], 1, batch.shape[3] * batch.shape[1], batch.shape[1] }, input.stride());
            Assert.True(input.to(ScalarType.Float32).equal(batch.to(ScalarType.BFloat16).to(ScalarType.Float32)).all().item<bool>());
        }
    }
}
