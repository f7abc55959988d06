<?php

namespace App\Http\Controllers;

use App\Models\Ticket;
use Illuminate\Support\Facades\Cache;

class TicketController extends Controller
{
    public function index()
    {
        $tickets = Cache::remember('tickets.open', 60, fn () => Ticket::where('status', 'open')->latest()->take(50)->get());

        return response()->json($tickets);
    }
}
