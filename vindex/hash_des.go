package vindex

import "math/bits"

// The hash vindex's DES, specialised to its key. Every round key of
// DES under the all-zero key is zero (the key schedule only selects and
// rotates the key's bits), so a round's function is the S-boxes and the
// P permutation of the expanded half block alone, and decryption, the
// rounds under the keys in reverse order, is encryption: the all-zero
// key is one of DES's weak keys. desZero is that function on a 64-bit
// block, with no key schedule to read, no cipher.Block interface
// through which the block would escape to the heap, and no slices to
// check; TestDESZeroIsCryptoDES compares it with crypto/des.
//
// Bits are numbered as FIPS 46-3 numbers them, 1 the most significant.

// desSBoxes are the eight S-boxes, by row (the outer two bits of a
// 6-bit input) and column (the middle four).
var desSBoxes = [8][4][16]uint8{
	{
		{14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7},
		{0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8},
		{4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0},
		{15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
	},
	{
		{15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10},
		{3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5},
		{0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15},
		{13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
	},
	{
		{10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8},
		{13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1},
		{13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7},
		{1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
	},
	{
		{7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15},
		{13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9},
		{10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4},
		{3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
	},
	{
		{2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9},
		{14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6},
		{4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14},
		{11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
	},
	{
		{12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11},
		{10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8},
		{9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6},
		{4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
	},
	{
		{4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1},
		{13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6},
		{1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2},
		{6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
	},
	{
		{13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7},
		{1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2},
		{7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8},
		{2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
	},
}

// desP is the permutation P of a round's S-box outputs: bit i of the
// result is bit desP[i-1] of the input.
var desP = [32]uint8{
	16, 7, 20, 21, 29, 12, 28, 17,
	1, 15, 23, 26, 5, 18, 31, 10,
	2, 8, 24, 14, 32, 27, 3, 9,
	19, 13, 30, 6, 22, 11, 4, 25,
}

// desIP is the initial permutation: bit i of the result is bit
// desIP[i-1] of the block. The final permutation is its inverse.
var desIP = [64]uint8{
	58, 50, 42, 34, 26, 18, 10, 2,
	60, 52, 44, 36, 28, 20, 12, 4,
	62, 54, 46, 38, 30, 22, 14, 6,
	64, 56, 48, 40, 32, 24, 16, 8,
	57, 49, 41, 33, 25, 17, 9, 1,
	59, 51, 43, 35, 27, 19, 11, 3,
	61, 53, 45, 37, 29, 21, 13, 5,
	63, 55, 47, 39, 31, 23, 15, 7,
}

var (
	// desSP2[p][x] is the round's output, permuted by P, of S-boxes
	// 2p+1 and 2p+2 for the 10 bits x of the expansion they read
	// (their 6-bit groups overlap by 2 bits).
	desSP2 [4][1024]uint32
	// desIPBytes and desFPBytes permute a block byte by byte: the
	// permutation of a block is the OR of the tables' entries for its
	// 8 bytes, byte 0 the most significant.
	desIPBytes, desFPBytes [8][256]uint64
)

func init() {
	var sp [8][64]uint32
	for s := range desSBoxes {
		for x := range 64 {
			row := (x>>4)&2 | x&1
			col := (x >> 1) & 0xf
			out := uint32(desSBoxes[s][row][col]) << (28 - 4*s)
			var p uint32
			for i, from := range desP {
				p |= (out >> (32 - uint(from)) & 1) << (31 - i)
			}
			sp[s][x] = p
		}
	}
	for p := range desSP2 {
		for x := range 1024 {
			desSP2[p][x] = sp[2*p][x>>4] ^ sp[2*p+1][x&0x3f]
		}
	}
	var fp [64]uint8
	for i, from := range desIP {
		fp[from-1] = uint8(i + 1)
	}
	for k := range 8 {
		for v := range 256 {
			block := uint64(v) << (56 - 8*k)
			desIPBytes[k][v] = permute64(block, &desIP)
			desFPBytes[k][v] = permute64(block, &fp)
		}
	}
}

// permute64 returns the block permuted by perm: bit i of the result is
// bit perm[i-1] of the block.
func permute64(block uint64, perm *[64]uint8) uint64 {
	var out uint64
	for i, from := range perm {
		out |= (block >> (64 - uint(from)) & 1) << (63 - i)
	}
	return out
}

// permuteBytes permutes a block by one of the byte tables.
func permuteBytes(block uint64, t *[8][256]uint64) uint64 {
	return t[0][block>>56] | t[1][block>>48&0xff] | t[2][block>>40&0xff] | t[3][block>>32&0xff] |
		t[4][block>>24&0xff] | t[5][block>>16&0xff] | t[6][block>>8&0xff] | t[7][block&0xff]
}

// desZero encrypts (and, the key being weak, decrypts) a block with DES
// under the all-zero key. A round's function reads the expansion E of
// its half block r in 10-bit groups, bits 8p..8p+9 for S-boxes 2p+1 and
// 2p+2 (bit 0 being bit 32, bit 33 bit 1): the low 10 bits of r rotated
// left by 8p+9.
func desZero(block uint64) uint64 {
	block = permuteBytes(block, &desIPBytes)
	l, r := uint32(block>>32), uint32(block)
	t := &desSP2
	for range 8 {
		l ^= t[0][bits.RotateLeft32(r, 9)&0x3ff] ^ t[1][bits.RotateLeft32(r, 17)&0x3ff] ^
			t[2][bits.RotateLeft32(r, 25)&0x3ff] ^ t[3][bits.RotateLeft32(r, 1)&0x3ff]
		r ^= t[0][bits.RotateLeft32(l, 9)&0x3ff] ^ t[1][bits.RotateLeft32(l, 17)&0x3ff] ^
			t[2][bits.RotateLeft32(l, 25)&0x3ff] ^ t[3][bits.RotateLeft32(l, 1)&0x3ff]
	}
	// The halves swap after the last round.
	return permuteBytes(uint64(r)<<32|uint64(l), &desFPBytes)
}
