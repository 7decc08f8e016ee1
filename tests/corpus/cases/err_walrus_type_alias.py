type A = (B := int)
