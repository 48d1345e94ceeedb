pragma circom 2.1.5;

// A sealed ballot: a Semaphore vote whose option is encrypted to the tellers' joint key.
//
// Proves, for the public scope and key:
// - membership of the group whose root is the output merkleRoot, and the nullifier for the scope,
//   with the official Semaphore template itself (the same identity, tree and nullifier as an open
//   vote: one citizen votes once per proposal, sealed or not);
// - that vote[] is one-hot (each entry 0 or 1, exactly one 1);
// - that (c1[i], c2[i]) = (r_i·G, vote[i]·G + r_i·K) for each option i: exponential ElGamal on
//   BabyJubJub with G = Base8, the generator Semaphore's keys use. The ciphertexts add up option by
//   option on chain, and only the tellers together can open the sums.
//
// The contract checks that publicKey is the proposal's tellers' key (a point of the prime-order
// subgroup, made by their key generation); EscalarMulAny needs such a point (see below).

include "semaphore.circom";
include "escalarmulany.circom";
include "escalarmulfix.circom";

// Enc(bit; randomness) under publicKey. bit must be 0 or 1 (checked by the caller).
template EncryptBit() {
    signal input bit;
    signal input randomness;
    signal input publicKey[2];
    signal output c1[2];
    signal output c2[2];

    var BASE8[2] = [
        5299619240641551281634865583518297030282874472190772894086521144482721001553,
        16950150798460657717958625567821834550301663161624707787222815936182638968203
    ];

    // 253 bits hold any scalar below the subgroup order l (< 2^252); both products below read them.
    signal bits[253] <== Num2Bits(253)(randomness);
    c1 <== EscalarMulFix(253, BASE8)(bits);
    // Its Montgomery-form additions are complete for a point of the prime-order subgroup that is not
    // the neutral element (the accumulator never meets the point it adds); the contract ensures that.
    signal shared[2] <== EscalarMulAny(253)(bits, publicKey);
    // bit·G is (0, 1) or G, linear in bit; the Edwards addition is complete.
    (c2[0], c2[1]) <== BabyAdd()(bit * BASE8[0], 1 + bit * (BASE8[1] - 1), shared[0], shared[1]);
}

template SealedBallot(MAX_DEPTH, OPTIONS) {
    signal input secret;
    signal input merkleProofLength, merkleProofIndex, merkleProofSiblings[MAX_DEPTH];
    signal input scope;
    signal input publicKey[2];
    signal input vote[OPTIONS];
    signal input randomness[OPTIONS];

    signal output merkleRoot, nullifier;
    signal output c1[OPTIONS][2], c2[OPTIONS][2];

    // Semaphore's message is unused here: the ciphertexts are the public content, bound as outputs.
    (merkleRoot, nullifier) <== Semaphore(MAX_DEPTH)(
        secret, merkleProofLength, merkleProofIndex, merkleProofSiblings, 0, scope
    );

    BabyCheck()(publicKey[0], publicKey[1]);

    var chosen = 0;
    for (var i = 0; i < OPTIONS; i++) {
        vote[i] * (vote[i] - 1) === 0;
        chosen += vote[i];
        (c1[i], c2[i]) <== EncryptBit()(vote[i], randomness[i], publicKey);
    }
    chosen === 1;
}
