;; MinHash signature of a text's word k-grams, the same values as minhashText in shingles.ts
;; (word hashes, rolled k-gram hashes, one-permutation bins, densification from the table of
;; probe sequences), for dedup's hot loop. Built into sign.wasm by `npm run build:wasm`; a test
;; checks that the two agree and that the signatures equal minhashText's.
;;
;; Memory (bytes): 0 .. 262144 the code-unit table (i32 each; -4 = not seen yet, asked of the
;; host through $entry and kept), then what the host lays out: the text (u16 code units), the
;; word hashes (i32), the signature (u32), and the probe sequences (start: u32, bins: u16).
(module
  (import "host" "entry" (func $entry (param i32) (result i32)))
  (memory (export "memory") 8)

  (func $tab (param $c i32) (result i32)
    (local $e i32)
    (local.set $e (i32.load (i32.shl (local.get $c) (i32.const 2))))
    (if (i32.eq (local.get $e) (i32.const -4))
      (then
        (local.set $e (call $entry (local.get $c)))
        (i32.store (i32.shl (local.get $c) (i32.const 2)) (local.get $e))))
    (local.get $e))

  ;; The word hashes of the n code units at $text into $words; returns how many. A word character
  ;; or a separator takes no branch (the word's hash is stored at words[m] each time and m moves
  ;; on where a word ends); apostrophes, CJK and units not seen yet go the slow way.
  (func $words (param $text i32) (param $n i32) (param $words i32) (result i32)
    (local $i i32) (local $c i32) (local $e i32) (local $h i32) (local $in i32) (local $m i32) (local $w i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load16_u (i32.add (local.get $text) (i32.shl (local.get $i) (i32.const 1)))))
        (local.set $e (i32.load (i32.shl (local.get $c) (i32.const 2))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (if (i32.lt_s (local.get $e) (i32.const -1))
          (then
            (if (i32.eq (local.get $e) (i32.const -4)) (then (local.set $e (call $tab (local.get $c)))))
            (if (i32.lt_s (local.get $e) (i32.const -1))
              (then
                ;; an apostrophe inside a word (a word character follows) is skipped
                (if (i32.and (i32.eq (local.get $e) (i32.const -2))
                             (i32.and (local.get $in) (i32.lt_u (local.get $i) (local.get $n))))
                  (then
                    (br_if $next (i32.gt_s
                      (call $tab (i32.load16_u (i32.add (local.get $text) (i32.shl (local.get $i) (i32.const 1)))))
                      (i32.const 0)))))
                (if (local.get $in)
                  (then
                    (i32.store (i32.add (local.get $words) (i32.shl (local.get $m) (i32.const 2))) (local.get $h))
                    (local.set $m (i32.add (local.get $m) (i32.const 1)))
                    (local.set $h (i32.const 0x811c9dc5))
                    (local.set $in (i32.const 0))))
                ;; a CJK ideograph or kana is a word of its own
                (if (i32.eq (local.get $e) (i32.const -3))
                  (then
                    (i32.store (i32.add (local.get $words) (i32.shl (local.get $m) (i32.const 2)))
                      (i32.mul (i32.xor (i32.const 0x811c9dc5) (local.get $c)) (i32.const 0x01000193)))
                    (local.set $m (i32.add (local.get $m) (i32.const 1)))))
                (br $next)))))
        ;; a word character (e > 0) goes into the word's hash; a separator (-1) ends the word
        (local.set $w (i32.gt_s (local.get $e) (i32.const 0)))
        (i32.store (i32.add (local.get $words) (i32.shl (local.get $m) (i32.const 2))) (local.get $h))
        (local.set $m (i32.add (local.get $m) (i32.and (local.get $in) (i32.xor (local.get $w) (i32.const 1)))))
        (local.set $h (select (i32.mul (i32.xor (local.get $h) (local.get $e)) (i32.const 0x01000193))
                              (i32.const 0x811c9dc5) (local.get $w)))
        (local.set $in (local.get $w))
        (br $next)))
    (if (local.get $in)
      (then
        (i32.store (i32.add (local.get $words) (i32.shl (local.get $m) (i32.const 2))) (local.get $h))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))))
    (local.get $m))

  ;; The signature of the text into $sig (2^$bits slots, u32); returns the number of words (below
  ;; $k, the signature is all empty and the host signs the text its own way).
  (func (export "sign") (param $text i32) (param $n i32) (param $k i32) (param $bits i32)
        (param $words i32) (param $sig i32) (param $start i32) (param $bins i32) (param $flags i32) (result i32)
    (local $m i32) (local $i i32) (local $r i32) (local $pk i32) (local $x i32) (local $shift i32)
    (local $mask i32) (local $seed i32) (local $slots i32) (local $at i32) (local $empty i32)
    (local $j i32) (local $t i32) (local $c i32) (local $q i32) (local $e i32)
    (local.set $slots (i32.shl (i32.const 1) (local.get $bits)))
    (memory.fill (local.get $sig) (i32.const 0xff) (i32.shl (local.get $slots) (i32.const 2)))
    (local.set $m (call $words (local.get $text) (local.get $n) (local.get $words)))
    (if (i32.lt_u (local.get $m) (local.get $k)) (then (return (local.get $m))))
    (local.set $shift (i32.sub (i32.const 32) (local.get $bits)))
    (local.set $mask (i32.sub (i32.shl (i32.const 1) (local.get $shift)) (i32.const 1)))
    (if (i32.eq (local.get $shift) (i32.const 32)) (then (local.set $mask (i32.const -1))))
    (local.set $seed (i32.xor (i32.const 0x3c6ef372) (local.get $k)))
    ;; pk = ROLL^(k-1); r = the first k-1 word hashes rolled
    (local.set $pk (i32.const 1))
    (local.set $i (i32.const 0))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (i32.sub (local.get $k) (i32.const 1))))
      (local.set $pk (i32.mul (local.get $pk) (i32.const 0x01000193)))
      (local.set $r (i32.add (i32.mul (local.get $r) (i32.const 0x01000193))
        (i32.load (i32.add (local.get $words) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $r (i32.add (i32.mul (local.get $r) (i32.const 0x01000193))
        (i32.load (i32.add (local.get $words) (i32.shl (local.get $i) (i32.const 2))))))
      ;; murmur3 fmix32 of r ^ seed; the high bits pick the slot, the rest is the value
      (local.set $x (i32.xor (local.get $r) (local.get $seed)))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))
      (local.set $x (i32.mul (local.get $x) (i32.const 0x85ebca6b)))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 13))))
      (local.set $x (i32.mul (local.get $x) (i32.const 0xc2b2ae35)))
      (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 16))))
      (local.set $at (i32.add (local.get $sig) (i32.shl (i32.shr_u (local.get $x) (local.get $shift)) (i32.const 2))))
      (local.set $x (i32.and (local.get $x) (local.get $mask)))
      ;; the lower of the two, without a branch (early in a text most words lower their slot)
      (local.set $e (i32.load (local.get $at)))
      (i32.store (local.get $at) (select (local.get $x) (local.get $e) (i32.lt_u (local.get $x) (local.get $e))))
      (local.set $r (i32.sub (local.get $r) (i32.mul (local.get $pk)
        (i32.load (i32.add (local.get $words) (i32.shl (i32.sub (i32.add (local.get $i) (i32.const 1)) (local.get $k)) (i32.const 2)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    ;; densify: list the empty slots (flags[j] = 1 for a filled one, empties after them), then each
    ;; empty slot takes the value of the first filled slot on its probe sequence
    (local.set $j (i32.const 0))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $j) (local.get $slots)))
      (local.set $e (i32.eq (i32.load (i32.add (local.get $sig) (i32.shl (local.get $j) (i32.const 2)))) (i32.const -1)))
      (i32.store8 (i32.add (local.get $flags) (local.get $j)) (i32.sub (i32.const 1) (local.get $e)))
      (i32.store8 (i32.add (i32.add (local.get $flags) (i32.const 256)) (local.get $empty)) (local.get $j))
      (local.set $empty (i32.add (local.get $empty) (local.get $e)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $l)))
    (if (i32.or (i32.eqz (local.get $empty)) (i32.eq (local.get $empty) (local.get $slots))) (then (return (local.get $m))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $q) (local.get $empty)))
      (local.set $j (i32.load8_u (i32.add (i32.add (local.get $flags) (i32.const 256)) (local.get $q))))
      (local.set $t (i32.load (i32.add (local.get $start) (i32.shl (local.get $j) (i32.const 2)))))
      (block $found (loop $walk
        (local.set $c (i32.load16_u (i32.add (local.get $bins) (i32.shl (local.get $t) (i32.const 1)))))
        (br_if $found (i32.load8_u (i32.add (local.get $flags) (local.get $c))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $walk)))
      (i32.store (i32.add (local.get $sig) (i32.shl (local.get $j) (i32.const 2)))
        (i32.load (i32.add (local.get $sig) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (local.get $m))
)
