x: (T := int) = 1
