package com.acme.orders

import kotlin.test.Test
import kotlin.test.assertEquals

class OrdersApplicationTests {
	@Test
	fun `an order starts empty`() {
		assertEquals(0, Order().totalCents)
	}
}
